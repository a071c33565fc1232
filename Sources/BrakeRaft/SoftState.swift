/// The volatile part of a node's state that the shell reports (status, metrics) but need not
/// persist: it is rebuilt from messages after a restart.
public struct SoftState: Sendable, Hashable {
    /// The node's role.
    public var role: RaftRole
    /// The leader this node knows of in `term`, if any.
    public var leader: NodeID?
    /// The node's current term.
    public var term: UInt64

    /// Creates a soft state.
    public init(role: RaftRole, leader: NodeID?, term: UInt64) {
        self.role = role
        self.leader = leader
        self.term = term
    }
}
