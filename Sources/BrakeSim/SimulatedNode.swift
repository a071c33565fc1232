import BrakeCore
import BrakeRaft

/// One simulated `braked`: a Raft core, its durable store, the registry it applies to, and its
/// own clock. While the node is crashed `raft` is nil; the store survives the crash, the rest is
/// rebuilt from it on restart.
struct SimulatedNode {
    /// The node's Raft id.
    let id: NodeID
    /// The Raft core; nil while crashed.
    var raft: RaftNode?
    /// What the node made durable.
    var store = SimulatedStore()
    /// The registry the node applies committed entries to (volatile, rebuilt on restart).
    var registry: Registry
    /// The highest index applied to `registry`.
    var applied: UInt64 = 0
    /// How often this node ticks an extra time per global tick (a fast clock).
    var fastRate: Double
    /// How often this node skips a tick (a slow clock).
    var slowRate: Double
    /// Ticks of this node's local clock since the start (they run while it is down, too).
    var clockTicks: UInt64 = 0
    /// The fixed offset of this node's wall clock from true time.
    var clockOffset: Millis
    /// The latest timestamp this node stamped or saw in its log: stamps never decrease.
    var lastStamp: Millis = 0
    /// How many times the node restarted (salts its election randomness).
    var restarts: UInt64 = 0
    /// The applied index whose registry snapshot was last checked.
    var checkedApplied: UInt64?
    /// Whether the registry came from a snapshot or a restart since it was last checked.
    var restored = false

    var isUp: Bool { raft != nil }

    /// The milliseconds of one tick (Brake's shell uses 100 ms).
    static let tickMillis: Millis = 100
    /// The simulated epoch: 2026-11-29T00:00:00Z.
    static let epoch: Millis = 1_795_910_400_000

    /// The node's wall clock: true time plus its offset plus its accumulated drift.
    var wallClock: Millis {
        Self.epoch + Millis(clockTicks) * Self.tickMillis + clockOffset
    }

    /// A fresh registry at index 0.
    static func emptyRegistry(_ charter: Charter) -> Registry {
        Registry(charter: charter)
    }

    /// The registry of a snapshot's data, or nil if it does not restore.
    static func registry(fromSnapshot data: [UInt8], charter: Charter) -> Registry? {
        guard let sim = SimSnapshotData(bytes: data) else { return nil }
        return try? Registry(charter: charter, snapshot: sim.registry)
    }

    /// The data of a snapshot of this node's registry at its applied index.
    func snapshotData() -> [UInt8]? {
        guard let chain = store.chain(at: applied) else { return nil }
        return SimSnapshotData(chain: chain, registry: registry.snapshot()).bytes
    }
}
