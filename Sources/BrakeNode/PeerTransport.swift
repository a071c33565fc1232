import BrakeCore
import BrakeReplica
import BrakeRaft

/// How a node reaches its peers: the Raft messages of each `Ready` (sent only after their entries
/// and hard state are durable) and submissions forwarded to the leader.
///
/// The mutual-TLS peer transport (BrakeNet) plugs in here; a one-node federation needs none.
public protocol PeerTransport: Sendable {
    /// Sends messages to their peers, best effort: Raft tolerates loss, duplication and reordering.
    func send(_ messages: [RaftMessage])

    /// Hands a submission this node cannot propose (it is not the leader) to the leader's node and
    /// returns that node's answer.
    func forward(_ envelope: Envelope, to leader: NodeID, timeoutMillis: Int) async throws(SubmitError) -> SubmitOutcome
}

/// The transport of a node with no peers: a one-node federation, or a node whose network is not up.
public struct NoPeers: PeerTransport {
    /// Creates the empty transport.
    public init() {}

    /// Drops the messages; with one voter Raft sends none.
    public func send(_ messages: [RaftMessage]) {}

    /// Refuses: there is no path to a leader.
    public func forward(_ envelope: Envelope, to leader: NodeID, timeoutMillis: Int) async throws(SubmitError) -> SubmitOutcome {
        throw .node(NodeError(.notLeader, "this node is not the leader and has no peer transport to reach \(leader)"))
    }
}
