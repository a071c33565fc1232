import BrakeRaft

/// Where the driver hands the Raft messages of each `Ready`, after their entries and hard state are
/// durable. The mutual-TLS peer transport (BrakeNet) plugs in here; a one-node federation needs none.
public protocol PeerTransport: Sendable {
    /// Sends messages to their peers, best effort: Raft tolerates loss, duplication and reordering.
    func send(_ messages: [RaftMessage])
}

/// The transport of a node with no peers: a one-node federation, or a node whose network is not up.
public struct NoPeers: PeerTransport {
    /// Creates the empty transport.
    public init() {}
    /// Drops the messages; with one voter Raft sends none.
    public func send(_ messages: [RaftMessage]) {}
}
