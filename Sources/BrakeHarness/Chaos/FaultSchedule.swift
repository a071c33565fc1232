/// A seeded sequence of faults: each step's action and how long the harness holds it before the
/// next, then the repairs that bring every node back (heal, cont, restart).
public struct FaultSchedule: Sendable, Hashable, Codable {
    /// One step: do `action`, then wait `holdMillis` under the workload.
    public struct Step: Sendable, Hashable, Codable {
        /// The fault or repair.
        public var action: FaultAction
        /// How long to hold it before the next step.
        public var holdMillis: Int
    }

    /// The seed that made it: `brake-harness chaos --nodes N --schedules 1 --seed <seed>` replays it.
    public var seed: UInt64
    /// The federation size it was made for.
    public var nodeCount: Int
    /// The faults, in order.
    public var steps: [Step]
    /// The repairs after the faults: heal, then cont and restart every node still down.
    public var repairs: [FaultAction]

    /// The command that replays this schedule.
    public var replayCommand: String {
        "brake-harness chaos --nodes \(nodeCount) --schedules 1 --seed \(seed)"
    }
}
