import BrakeCore
import BrakeRaft

/// The tunables of one node's core: Raft timing, when to snapshot, how many proposals may wait,
/// and how snapshots are streamed.
public struct ReplicaConfig: Sendable {
    /// Length of one Raft tick in milliseconds: the shell feeds one `tick` per `tickMillis`.
    public var tickMillis: Int = 100
    /// Election timeout in ticks (randomized between this and twice this).
    public var electionTicks: Int = 10
    /// Heartbeat interval in ticks.
    public var heartbeatTicks: Int = 2
    /// Take a registry snapshot and compact the log once this many entries were applied since the last.
    public var snapshotInterval: UInt64 = 10_000
    /// The most entries a leader may hold proposed but uncommitted; beyond it submissions are
    /// refused with `overloaded` instead of growing memory and latency without bound.
    public var maxUncommittedEntries: Int = 4_096
    /// The size of one snapshot chunk: well under the transport's frame cap.
    public var snapshotChunkBytes: Int = 512 * 1024
    /// How many chunks may be unacknowledged at once when a snapshot transfer starts, and after a
    /// stall. The window grows by the chunks each acknowledgement covers (doubling per round
    /// trip) up to `snapshotMaxWindowBytes`, so a long link is kept full.
    public var snapshotWindowChunks: Int = 4
    /// The most snapshot bytes a leader keeps unacknowledged to one follower, and a follower keeps
    /// aside ahead of a missing chunk.
    public var snapshotMaxWindowBytes: Int = 8 << 20
    /// The largest snapshot a follower accepts.
    public var maxSnapshotBytes: Int = 1 << 30
    /// Raft's flow control and its optional switches (the id and voters come from the charter).
    public var raft: RaftConfig = RaftConfig(id: "", voters: [])
    /// The leader proposes a checkpoint once this many leaves were added since its last proposal...
    public var checkpointEveryEntries: UInt64 = 1_000
    /// ...or once this many milliseconds passed since it (and again while it is not final).
    public var checkpointEveryMillis: Int64 = 2_000
    /// Deliberately wrong checkpoint behaviour, for tests only (`CheckpointTesting`).
    public var checkpointTesting = CheckpointTesting()
    /// Deliberately wrong Raft rules, for tests of the simulation's checkers only.
    public var raftTesting = TestingSwitches()
    /// Deliberately wrong node behaviour (a censoring leader), for simulation tests only.
    public var testing = ReplicaTestingSwitches()
    /// How much the pending pool may hold (Specs/gossip.md).
    public var poolLimits = DeclarationPool.Limits()
    /// How often and how much nodes gossip (Specs/gossip.md).
    public var gossip = GossipLimits()
    /// A node that the charter it starts with does not list may start only with this set: it is
    /// joining, waits as a non-voter to be added by an amendment, and never campaigns until it is.
    public var joining = false
    /// Nodes a joining node talks with, besides its charter's, until the charter in force lists
    /// it: the charter in force when its operator started it (the genesis charter it verifies the
    /// log from may no longer list any node that leads).
    public var introducers: [NodeInfo] = []
    /// A leader promotes a learner to voter once the learner's log is within this many entries of
    /// its own (`MembershipPlan`).
    public var learnerCatchUpEntries: UInt64 = 64

    /// Creates the default configuration.
    public init() {}

    /// How long a leader waits for a chunk acknowledgement before it resends from the last
    /// acknowledged byte.
    var snapshotResendMillis: Int64 { Int64(tickMillis) * Int64(max(heartbeatTicks, 1)) * 2 }
}

/// The time an input happens at, read by the shell: a monotonic clock for durations (timeouts,
/// freshness) and the wall clock for the stamps written into entries.
///
/// The monotonic clock must keep counting while the process is stopped or the machine is
/// suspended (Linux `CLOCK_BOOTTIME`), so that a node resumed after a pause sees how long it was
/// gone and answers `unknown` rather than `clear`.
public struct ReplicaTime: Sendable, Hashable {
    /// Milliseconds on a monotonic clock; only differences mean anything.
    public var monotonic: Int64
    /// Milliseconds since the Unix epoch.
    public var wall: Int64

    /// Creates a time reading.
    public init(monotonic: Int64, wall: Int64) {
        self.monotonic = monotonic
        self.wall = wall
    }
}
