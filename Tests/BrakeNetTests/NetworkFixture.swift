import BrakeRaft
import BrakeReplica
import Logging
import NIOCore
import NIOPosix
import Synchronization

@testable import BrakeNet

/// Records a network's events as they arrive, so a test can wait for a condition on them.
final class EventLog: Sendable {
    private final class Box: Sendable {
        let events = Mutex<[PeerEvent]>([])
    }

    private let box = Box()
    private let task: Task<Void, Never>

    init(_ stream: AsyncStream<PeerEvent>) {
        let box = self.box
        task = Task {
            for await event in stream { box.events.withLock { $0.append(event) } }
        }
    }

    var events: [PeerEvent] { box.events.withLock { $0 } }

    var messages: [PeerMessage] {
        events.compactMap { if case .message(let m) = $0 { m } else { nil } }
    }

    func contains(_ event: PeerEvent) -> Bool { events.contains(event) }
}

/// Polls `condition` until it holds or `timeout` passes; the answer is the last evaluation.
func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// A set of node identities and loopback addresses, and the networks a test builds from them.
struct NetworkFixture {
    let group: MultiThreadedEventLoopGroup
    let ids: [NodeID]
    let identities: [NodeID: TestIdentity]
    let addresses: [NodeID: String]

    init(_ ids: [NodeID]) async throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        self.ids = ids
        var identities: [NodeID: TestIdentity] = [:]
        for id in ids { identities[id] = try TestIdentity(name: id) }
        self.identities = identities
        let ports = try await freePorts(ids.count, group: group)
        addresses = Dictionary(uniqueKeysWithValues: zip(ids, ports.map { "127.0.0.1:\($0)" }))
    }

    /// The configuration of node `id`: the charter's view of every node, this node's own key.
    /// `identity` replaces the key the node presents (an impostor), `tweak` anything else.
    func configuration(
        _ id: NodeID,
        presenting identity: TestIdentity? = nil,
        tweak: (inout PeerNetworkConfiguration) -> Void = { _ in }
    ) -> PeerNetworkConfiguration {
        let own = identity ?? identities[id]!
        var peers: [NodeID: PeerNetworkConfiguration.Peer] = [:]
        for other in ids { peers[other] = .init(address: addresses[other]!, pin: identities[other]!.pin) }
        var logger = Logger(label: "brake.net.test.\(id)")
        logger.logLevel = .critical
        var config = PeerNetworkConfiguration(
            nodeID: id,
            certificatePEM: own.certificatePEM,
            privateKeyPEM: own.privateKeyPEM,
            listenAddress: addresses[id]!,
            peers: peers,
            group: group,
            logger: logger
        )
        config.minBackoff = .milliseconds(20)
        config.maxBackoff = .milliseconds(200)
        tweak(&config)
        return config
    }

    /// Builds and starts a network with its event log.
    func start(_ config: PeerNetworkConfiguration) async throws -> (PeerNetwork, EventLog) {
        let network = try PeerNetwork(configuration: config)
        let log = EventLog(network.events)
        _ = try await network.start()
        return (network, log)
    }

    func stop(_ networks: [PeerNetwork]) async throws {
        for network in networks { await network.shutdown() }
        try await group.shutdownGracefully()
    }
}
