import BrakeCore
import BrakeReplica

/// How a node reaches its peers: the messages of each `ReplicaReady`, sent only after what they
/// depend on is durable. Best effort: the core tolerates loss, duplication and reordering.
///
/// The mutual-TLS transport (BrakeNet) plugs in here; a one-node federation needs none.
public protocol PeerTransport: Sendable {
    /// Queues messages for their peers without waiting for the network.
    func send(_ messages: [PeerMessage])

    /// Makes `peers` the nodes this node talks with (`ReplicaReady.peers`): dials new ones and
    /// accepts their pins; closes and refuses the connections of nodes no longer listed.
    func follow(_ peers: [NodeInfo])
}

extension PeerTransport {
    /// A transport with no peers has nothing to follow.
    public func follow(_ peers: [NodeInfo]) {}
}

/// The transport of a node with no peers: a one-node federation.
public struct NoPeers: PeerTransport {
    /// Creates the empty transport.
    public init() {}

    /// Drops the messages; a lone voter sends none.
    public func send(_ messages: [PeerMessage]) {}
}
