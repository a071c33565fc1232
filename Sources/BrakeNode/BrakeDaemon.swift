import BrakeCore
import BrakeReplica
import BrakeFiles
import BrakeStore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A whole `braked`: store, driver, ticker and API, run as one service group that stops cleanly
/// on SIGINT or SIGTERM.
public struct BrakeDaemon: Sendable {
    let configuration: NodeConfiguration
    let logger: Logger
    let metrics: NodeMetrics
    let clock: NodeClock

    /// Creates a daemon for a configuration; `clock` is where the node reads time (the system's,
    /// unless a test shifts it).
    public init(configuration: NodeConfiguration, metrics: NodeMetrics = NodeMetrics(), clock: NodeClock = .system, logger: Logger) {
        self.configuration = configuration
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
    }

    /// The exit status for an error that stopped the daemon: 78 (EX_CONFIG) when the configuration
    /// cannot work (a socket another node claims, an identity that does not match the charter), 1
    /// for anything else.
    public static func exitStatus(for error: any Error) -> Int32 {
        if let error = error as? NodeError, error.code == .config { return 78 }
        return 1
    }

    /// Reads and verifies the charter file: the charter, and the envelope its founding parties
    /// signed, which `GET /v1/charter` serves so that a client (`brakectl export`) can carry it.
    public static func loadCharter(path: String) throws -> (charter: Charter, envelope: Envelope) {
        let envelope = try Envelope(json: FileBytes.read(path))
        return (try Charter.verify(envelope), envelope)
    }

    /// Opens everything and runs until a signal arrives; `onReady` runs once the socket is bound.
    public func run() async throws {
        try configuration.validate()
        let (charter, charterEnvelope) = try Self.loadCharter(path: configuration.charterPath)
        let store = try BrakeStore(directory: configuration.dataDirectory)
        let claim: SocketClaim
        do {
            claim = try SocketClaim(path: configuration.socketPath)
        } catch {
            store.close()
            throw error
        }
        defer { claim.release() }
        // The genesis charter's nodes to start with; the peer set then follows the charter in force.
        let networked = charter.nodes.count > 1 || configuration.joining || charter.node(id: configuration.nodeID) == nil
        let links = networked ? try PeerLinks.make(configuration: configuration, charter: charter, logger: logger) : nil
        let driver: NodeDriver
        do {
            driver = try NodeDriver(
                configuration: configuration,
                charter: charter,
                store: store,
                transport: links ?? NoPeers(),
                clock: clock,
                logger: logger,
                checkpointKey: try NodeDriver.checkpointKey(configuration: configuration, charter: charter)
            )
        } catch {
            store.close()
            throw error
        }
        await driver.start()
        let published = driver.published
        let workers = SignatureWorkers(charterInForce: { published.charter ?? charter })
        var peerServices: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let links {
            let port = try await links.network.start()
            logger.info("peer listener on port \(port); \(links.network.peers.count) peers\(configuration.joining ? " (joining: waiting to be added by an amendment)" : "")")
            metrics.peerStats = { links.network.stats }
            peerServices.append(.init(service: PeerEventPump(network: links.network, driver: driver, verifier: workers)))
        }
        let api = APIServer(
            driver: driver, configuration: configuration, metrics: metrics, logger: logger, workers: workers, charterEnvelope: charterEnvelope)
        let ticker = RaftTicker(driver: driver, tickMillis: configuration.tickMillis)
        var publicServices: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let face = PublicServer(api: api, configuration: configuration, logger: logger) {
            publicServices.append(.init(service: try face.application()))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: peerServices + [
                    .init(service: ticker),
                    .init(service: api.application(claim: claim)),
                ] + publicServices + [
                    // Listed last, so it is the first to hear of a shutdown: it ends the event
                    // streams, which would otherwise hold the server's graceful shutdown open.
                    .init(service: EventStreamCloser(events: driver.events)),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            await links?.network.shutdown()
            await driver.shutdown()
            throw error
        }
        await links?.network.shutdown()
        await driver.shutdown()
    }
}

/// Drives Raft's logical clock: one tick every `tickMillis`, until graceful shutdown.
struct RaftTicker: Service {
    let driver: NodeDriver
    let tickMillis: Int

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: .milliseconds(tickMillis))
                } catch {
                    return
                }
                await driver.tick()
            }
        }
    }
}

/// Ends every `/v1/events` stream when the daemon begins its graceful shutdown.
struct EventStreamCloser: Service {
    let events: EventHub

    func run() async throws {
        try? await gracefulShutdown()
        events.close()
    }
}
