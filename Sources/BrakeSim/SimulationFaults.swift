/// How hostile the simulated world is: network delay and its failures, partitions, crashes and
/// clock drift. Rates are per step (one global tick) unless said otherwise.
///
/// Faults stop after `faultFraction` of the steps: the partitions heal, crashed nodes restart and
/// messages stop getting lost, so that the run can check that the cluster recovers (liveness).
public struct SimulationFaults: Sendable, Hashable {
    /// Delivery latency of a message in ticks, drawn uniformly (0 delivers within the same step).
    public var latency: ClosedRange<Int> = 0...3
    /// Probability that a message is lost.
    public var loss: Double = 0.05
    /// Probability that a message is delivered twice.
    public var duplication: Double = 0.03
    /// Probability that a message is held back by up to `reorderDelay` extra ticks, so that later
    /// messages overtake it.
    public var reordering: Double = 0.05
    /// The extra delay of a held back message.
    public var reorderDelay: ClosedRange<Int> = 2...12
    /// Probability per step that a new partition starts (symmetric or one-way), if none is active.
    public var partition: Double = 0.01
    /// Fraction of new partitions that are one-way (A hears B, B does not hear A).
    public var asymmetricShare: Double = 0.3
    /// Probability per step that the active partition heals.
    public var heal: Double = 0.02
    /// Probability per step that one running node crashes (only while a majority would stay up).
    public var crash: Double = 0.008
    /// Probability per step that the current leader crashes (a targeted fault: leader changes
    /// with partly replicated logs are where Raft's subtle rules matter).
    public var leaderCrash: Double = 0.005
    /// Probability that a newly elected leader crashes within its first few `Ready`s.
    public var newLeaderCrash: Double = 0.05
    /// Probability that a crash strikes in the middle of handling a `Ready` (after persisting,
    /// before sending or applying) rather than between inputs.
    public var crashMidReady: Double = 0.3
    /// Probability per step that a crashed node restarts.
    public var restart: Double = 0.05
    /// Largest per-node probability of an extra tick per step (a fast clock); each node draws its
    /// own rate in `0...clockDrift`, and a few nodes run slow instead (they skip ticks).
    public var clockDrift: Double = 0.1
    /// Largest offset of a node's wall clock from true time, in milliseconds (either sign).
    public var wallClockSkewMillis: Int = 3_000
    /// Probability per step that the leader hands leadership to another node (thesis §3.10),
    /// whose forced election bypasses leader stickiness.
    public var transfer: Double = 0.004
    /// Probability per step that a leader compacts its log into a snapshot.
    public var compaction: Double = 0.01
    /// The share of the steps during which faults happen; the rest is quiet.
    public var faultFraction: Double = 0.8

    /// Every field at its default: a hostile but recoverable network.
    public init() {}

    /// A perfect world: no delay, no loss, no partitions, no crashes, no drift. For benchmarks.
    public static var none: SimulationFaults {
        var f = SimulationFaults()
        f.latency = 0...0
        f.loss = 0
        f.duplication = 0
        f.reordering = 0
        f.partition = 0
        f.heal = 1
        f.crash = 0
        f.leaderCrash = 0
        f.newLeaderCrash = 0
        f.restart = 1
        f.clockDrift = 0
        f.wallClockSkewMillis = 0
        f.compaction = 0
        f.transfer = 0
        f.faultFraction = 0
        return f
    }

    /// The default mix: every kind of fault at a moderate rate.
    public static var standard: SimulationFaults { SimulationFaults() }

    /// More of everything: long partitions, frequent crashes, heavy loss.
    public static var severe: SimulationFaults {
        var f = SimulationFaults()
        f.latency = 0...6
        f.loss = 0.15
        f.duplication = 0.08
        f.reordering = 0.15
        f.partition = 0.03
        f.heal = 0.015
        f.crash = 0.02
        f.transfer = 0.01
        f.leaderCrash = 0.01
        f.restart = 0.04
        f.compaction = 0.02
        return f
    }

    /// Leader churn: leaders crash soon after they are elected and nodes come back quickly, with
    /// small loss. This is the schedule of the Raft paper's Figure 8, where an entry of an earlier
    /// term that reached a majority is still not safe to commit.
    public static var leaderChurn: SimulationFaults {
        var f = SimulationFaults()
        f.latency = 0...2
        f.loss = 0.1
        f.partition = 0.01
        f.heal = 0.05
        f.crash = 0.01
        f.leaderCrash = 0.02
        f.newLeaderCrash = 0.7
        f.crashMidReady = 0.5
        f.restart = 0.15
        f.compaction = 0
        f.transfer = 0
        return f
    }
}
