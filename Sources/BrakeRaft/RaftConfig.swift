/// Static configuration of one Raft group member.
///
/// Timers are counted in ticks, never in wall-clock time: the shell decides how long a tick is
/// (Brake uses 100 ms), and the simulator can run thousands of ticks per second.
public struct RaftConfig: Sendable {
    /// This node's id; must be one of `voters` for the node to ever campaign.
    public var id: NodeID
    /// The voting members of the group at the start of the log (a snapshot's membership and the
    /// conf entries in the log take precedence). Brake takes them from the charter.
    public var voters: [NodeID]
    /// The non-voting members at the start of the log; empty by default.
    public var learners: [NodeID] = []
    /// Base election timeout. A follower campaigns after a random timeout in
    /// `[electionTicks, 2 * electionTicks)` without hearing from a leader.
    public var electionTicks: Int = 10
    /// A leader sends heartbeats every `heartbeatTicks`; must be well below `electionTicks`.
    public var heartbeatTicks: Int = 2
    /// Run a pre-vote round before a real election (thesis §9.6) so that a node rejoining from a
    /// partition cannot force the group into a new term.
    public var preVote: Bool = true
    /// A leader steps down when it has not heard from a quorum within an election timeout
    /// (thesis §6.2); also turns on leader stickiness for votes.
    public var checkQuorum: Bool = true
    /// Pipelining bound: unacknowledged append messages per follower in replicate state.
    public var maxInflightMessages: Int = 64
    /// Byte budget of the entries of one append message (at least one entry is always sent).
    /// Also the largest proposal accepted.
    public var maxBatchBytes: Int = 1 << 20
    /// Entry budget of one append message.
    public var maxBatchEntries: Int = 256
    /// Lets a leader answer `readIndex` without a heartbeat round while its lease is valid.
    /// Safe only under the bounded clock drift assumption of Specs/consensus.md; off by default.
    public var leaseReads: Bool = false
    /// Ticks subtracted from the election timeout to bound a leader lease, covering the drift
    /// between this node's tick rate and the slowest follower's (see `RaftNode.leaseValid`).
    public var leaseDriftTicks: Int = 2

    /// Creates a configuration with the default timers and flow-control limits.
    public init(id: NodeID, voters: [NodeID]) {
        self.id = id
        self.voters = voters
    }
}
