import BrakeRaft
import BrakeReplica
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Brake's peer transport: mutual TLS pinned to the charter, length-prefixed protobuf frames,
/// and a bounded outbox per peer.
///
/// Each node dials every peer and uses that outbound connection only to send its own messages;
/// inbound connections only receive. A connection lives only when the peer's TLS public key
/// matches the charter's pin for the node it must be (the dialed node outbound; any charter node
/// inbound, which must then name itself in a hello). `send(_:)` never waits for the network:
/// Raft tolerates loss, so a full outbox drops the message and reports the peer unreachable.
/// Received messages, unreachable peers and lost connections arrive on `events`.
///
/// The peer set follows the charter as amendments change it (`updatePeers(_:)`, in
/// `PeerNetwork+Membership`): a new node is dialed and its pin accepted; a removed or re-keyed
/// node's connections are closed, in both directions, and its old pin refused from then on.
public final class PeerNetwork: Sendable {
    /// What the transport tells the node core. Single consumer; bounded (see
    /// `PeerNetworkConfiguration.eventBuffer`).
    public let events: AsyncStream<PeerEvent>

    let configuration: PeerNetworkConfiguration
    let codec: WireCodec
    let sink: PeerSink
    let serverTLS: NIOSSLContext
    let clientTLS: NIOSSLContext
    /// The hello frame every outbound connection sends first.
    let hello: [UInt8]
    let listen: PeerAddress
    let state: Mutex<RunState>

    struct RunState {
        var phase = Phase.created
        var server: (any Channel)?
        var inbound: [ObjectIdentifier: any Channel] = [:]
        /// The node each inbound connection authenticated as, once its TLS key matched a pin.
        var inboundNodes: [ObjectIdentifier: NodeID] = [:]
        /// The send side towards each peer.
        var links: [NodeID: PeerLink] = [:]
        /// Charter pin → node id, for authenticating inbound connections.
        var nodesByPin: [String: NodeID] = [:]
        /// The peers as last configured.
        var peers: [NodeID: PeerNetworkConfiguration.Peer] = [:]
    }

    enum Phase { case created, running, stopped }

    /// Builds the transport: checks the configuration and builds both TLS contexts, once. Opens
    /// no socket; `start()` does.
    public init(configuration: PeerNetworkConfiguration) throws(PeerNetworkError) {
        let config = configuration
        guard config.frameCap > 0, config.frameCap <= Int(UInt32.max),
              config.outboxMessages > 0, config.outboxBytes > 0, config.eventBuffer > 0,
              config.minBackoff > .zero, config.maxBackoff >= config.minBackoff
        else {
            throw PeerNetworkError(.config, "frame cap, outbox, event buffer and backoff bounds must be positive")
        }
        self.listen = try PeerAddress(parsing: config.listenAddress)
        let (clientTLS, serverTLS) = try Self.makeTLSContexts(config)
        self.serverTLS = serverTLS
        self.configuration = config
        self.codec = WireCodec(limits: config.limits)
        let (stream, continuation) = AsyncStream.makeStream(
            of: PeerEvent.self,
            bufferingPolicy: .bufferingOldest(config.eventBuffer)
        )
        self.events = stream
        self.sink = PeerSink(continuation: continuation, logger: config.logger)

        self.clientTLS = clientTLS
        self.hello = try Self.hello(config.nodeID, codec: codec)
        self.state = Mutex(RunState())
        let (links, nodesByPin) = try makeLinks(config.peers)
        state.withLock { state in
            state.links = links
            state.nodesByPin = nodesByPin
            state.peers = config.peers.filter { $0.key != config.nodeID }
        }
    }

    /// The counters now, for `/metrics`.
    public var stats: PeerNetworkStats { sink.stats }

    /// Binds the listener and starts dialing every peer. Returns the bound port, so a test can
    /// listen on port 0.
    public func start() async throws(PeerNetworkError) -> Int {
        let proceed = state.withLock { state -> Bool in
            guard case .created = state.phase else { return false }
            state.phase = .running
            return true
        }
        guard proceed else { throw PeerNetworkError(.state, "start() may run once, before shutdown()") }
        let server: any Channel
        do {
            server = try await bootstrapListener().bind(host: listen.host, port: listen.port).get()
        } catch {
            throw PeerNetworkError(.bind, "cannot listen on \(configuration.listenAddress): \(error)")
        }
        let stoppedMeanwhile = state.withLock { state -> Bool in
            state.server = server
            return state.phase == .stopped
        }
        if stoppedMeanwhile {
            try? await server.close()
            throw PeerNetworkError(.state, "shutdown() ran while start() was binding")
        }
        let links = state.withLock { Array($0.links.values) }
        for link in links {
            link.loop.execute { link.dial() }
        }
        let port = server.localAddress?.port ?? listen.port
        configuration.logger.info(
            "peer transport listening",
            metadata: ["node": "\(configuration.nodeID)", "port": "\(port)", "peers": "\(links.count)"]
        )
        return port
    }

    /// Queues messages for their peers and returns at once.
    ///
    /// A message to an unknown node, one not from this node, or one that cannot be encoded within
    /// the frame cap is dropped, logged and counted; a message whose peer's outbox is full is
    /// dropped and reported as `.unreachable`.
    public func send(_ messages: [PeerMessage]) {
        enqueue(messages, checkingSender: true)
    }

    /// `send(_:)`, with the sender check optional so tests can play a node that forges `from`.
    func enqueue(_ messages: [PeerMessage], checkingSender: Bool) {
        let links = state.withLock { $0.links }
        var byPeer: [NodeID: [[UInt8]]] = [:]
        for message in messages {
            guard let link = links[message.to], !checkingSender || message.from == configuration.nodeID else {
                sink.count { $0.outboxDrops += 1 }
                configuration.logger.error(
                    "peer message not sent: unknown receiver or not from this node",
                    metadata: ["from": "\(message.from)", "to": "\(message.to)"]
                )
                continue
            }
            do {
                let body = try codec.encode(message)
                guard body.count <= configuration.frameCap else {
                    throw WireError(.oversized, "\(body.count) bytes, the frame cap is \(configuration.frameCap)")
                }
                byPeer[link.peer, default: []].append(body)
            } catch {
                sink.count { $0.outboxDrops += 1 }
                sink.emit(.unreachable(link.peer))
                configuration.logger.error("peer message not sent", metadata: ["to": "\(message.to)", "error": "\(error)"])
            }
        }
        for (peer, frames) in byPeer {
            guard let link = links[peer] else { continue }
            link.loop.execute { link.enqueue(frames) }
        }
    }

    /// Closes the listener and every connection, stops dialing and ends `events`. Safe to call
    /// more than once; the event loop group stays the caller's to shut down.
    public func shutdown() async {
        let (server, inbound, links, wasRunning) = state.withLock { state in
            let wasRunning = state.phase == .running
            state.phase = .stopped
            let channels = (state.server, Array(state.inbound.values), Array(state.links.values), wasRunning)
            state.server = nil
            state.inbound = [:]
            state.inboundNodes = [:]
            return channels
        }
        if wasRunning {
            try? await server?.close()
            for channel in inbound { try? await channel.close() }
            for link in links {
                try? await link.loop.flatSubmit { link.stop() }.get()
            }
        }
        sink.finish()
    }
}
