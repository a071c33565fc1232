import BrakeCore
import BrakeRaft
import BrakeReplica

/// One simulated `braked`: the node's real core (`BrakeReplica`), its durable store, and its own
/// clock. While the node is crashed `replica` is nil; the store survives the crash, and the core
/// is rebuilt from it on restart exactly as `braked` rebuilds it from LMDB.
struct SimulatedNode {
    /// The node's id.
    let id: NodeID
    /// The node's core; nil while crashed.
    var replica: BrakeReplica?
    /// What the node made durable.
    var store = SimulatedStore()
    /// The registry as the core last applied it (kept while crashed, for the report).
    var registry: Registry
    /// How often this node ticks an extra time per global tick (a fast clock).
    var fastRate: Double
    /// How often this node skips a tick (a slow clock).
    var slowRate: Double
    /// Ticks of this node's local clock since the start (they run while it is down, too).
    var clockTicks: UInt64 = 0
    /// The fixed offset of this node's wall clock from true time.
    var clockOffset: Millis
    /// Whether a scenario set this node's clock wrong on purpose (`Simulation.setClockOffset`):
    /// the time-bound invariant holds committed stamps to the other nodes' clocks.
    var clockSetWrong = false
    /// How many times the node restarted (salts its election randomness).
    var restarts: UInt64 = 0
    /// The applied index whose registry was last checked.
    var checkedApplied: UInt64?
    /// Whether the registry came from a snapshot or a restart since it was last checked.
    var restored = false
    /// A spare of the membership scenario that no one started yet: no fault restarts it.
    var dormant = false
    /// A joining node's introducers: the charter in force when it was started.
    var introducers: [NodeInfo] = []

    var isUp: Bool { replica != nil }
    /// The Raft core inside the replica; nil while crashed.
    var raft: RaftNode? { replica?.raft }
    /// The highest index applied to the registry.
    var applied: UInt64 { registry.appliedIndex }

    /// The milliseconds of one tick (Brake's shell uses 100 ms).
    static let tickMillis: Millis = 100
    /// The simulated epoch: 2026-11-29T00:00:00Z.
    static let epoch: Millis = 1_795_910_400_000

    /// The node's wall clock: true time plus its offset plus its accumulated drift.
    var wallClock: Millis {
        Self.epoch + Millis(clockTicks) * Self.tickMillis + clockOffset
    }

    /// The time the node's shell would read now: its monotonic tick clock and its wall clock.
    var time: ReplicaTime {
        ReplicaTime(monotonic: Int64(clockTicks) * Self.tickMillis, wall: wallClock)
    }
}
