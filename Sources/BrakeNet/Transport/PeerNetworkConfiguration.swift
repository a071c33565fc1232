import BrakeRaft
import Logging
import NIOCore

/// Everything `PeerNetwork` needs: who this node is, how it proves it, whom it talks to and the
/// bounds that keep one slow or hostile peer from costing more than its share.
public struct PeerNetworkConfiguration: Sendable {
    /// A peer as the charter describes it.
    public struct Peer: Sendable, Hashable {
        /// Where the peer listens, `HOST:PORT` (`[v6]:PORT` for an IPv6 literal).
        public var address: String
        /// Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo of the peer's TLS key: the only
        /// thing that authenticates it, since there is no certificate authority.
        public var pin: String

        /// Creates a peer entry.
        public init(address: String, pin: String) {
            self.address = address
            self.pin = pin
        }
    }

    /// This node's id in the charter; it names itself with it in the hello.
    public var nodeID: NodeID
    /// This node's TLS certificate (self-signed, P-256), PEM.
    public var certificatePEM: [UInt8]
    /// The private key of that certificate, PEM.
    public var privateKeyPEM: [UInt8]
    /// Where to listen, `HOST:PORT`; port 0 binds a free port that `start()` returns.
    public var listenAddress: String
    /// The charter's other nodes, by id. An entry for this node itself is ignored.
    public var peers: [NodeID: Peer]
    /// The largest frame body sent or accepted, in bytes. Snapshot chunks must stay below it.
    public var frameCap: Int = 4 << 20
    /// The most messages waiting for one peer's connection; beyond it a message is dropped and
    /// the peer reported unreachable.
    public var outboxMessages: Int = 1024
    /// The most bytes waiting for one peer's connection, likewise.
    public var outboxBytes: Int = 16 << 20
    /// The first reconnect delay after a failed dial or a lost connection.
    public var minBackoff: Duration = .milliseconds(50)
    /// The delay doubles per failed attempt up to this bound (each delay is jittered).
    public var maxBackoff: Duration = .seconds(2)
    /// How long a dial may take before it counts as failed.
    public var connectTimeout: Duration = .seconds(2)
    /// How long a new inbound connection may take to complete TLS and send its hello.
    public var helloTimeout: Duration = .seconds(5)
    /// How many events `events` buffers for a consumer that falls behind; beyond it events are
    /// dropped (and counted), as the network itself would drop messages.
    public var eventBuffer: Int = 4096
    /// Bounds on decoded values beyond the frame cap.
    public var limits: WireLimits = WireLimits()
    /// The event loops that run the listener, the dialers and every connection. The caller owns
    /// it and shuts it down after `PeerNetwork.shutdown()`.
    public var group: any EventLoopGroup
    /// Where the transport logs connection changes and refusals.
    public var logger: Logger

    /// Creates a configuration with default bounds.
    public init(
        nodeID: NodeID,
        certificatePEM: [UInt8],
        privateKeyPEM: [UInt8],
        listenAddress: String,
        peers: [NodeID: Peer],
        group: any EventLoopGroup,
        logger: Logger
    ) {
        self.nodeID = nodeID
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.listenAddress = listenAddress
        self.peers = peers
        self.group = group
        self.logger = logger
    }
}

extension Duration {
    /// The same span as NIO's `TimeAmount`.
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
