/// One performance target of the issue and what the benchmark measured against it.
///
/// `ratio` is measured / target. For an "at least" target a ratio below 1 is a miss (0.25: a
/// quarter of the goal); for an "at most" target a ratio above 1 is a miss (4: four times too slow).
public struct TargetCheck: Codable, Sendable, Hashable {
    /// What is measured, e.g. "1 node: signed commits/s at 64 clients".
    public var figure: String
    /// `atLeast` or `atMost`.
    public var direction: Direction
    /// The goal.
    public var target: Double
    /// What the run measured.
    public var measured: Double
    /// The unit of both.
    public var unit: String
    /// measured / target.
    public var ratio: Double
    /// Whether the goal was reached.
    public var met: Bool
    /// What the measurement was made on, when it differs from the target's wording (fewer entries).
    public var note: String?

    /// Whether more or less is better.
    public enum Direction: String, Codable, Sendable, Hashable {
        /// The measured figure must be at least the target.
        case atLeast
        /// The measured figure must be at most the target.
        case atMost
    }

    /// A check of `measured` against `target`.
    public init(_ figure: String, _ direction: Direction, target: Double, measured: Double, unit: String, note: String? = nil) {
        self.figure = figure
        self.direction = direction
        self.target = target
        self.measured = measured
        self.unit = unit
        self.ratio = target > 0 ? measured / target : 0
        self.met = direction == .atLeast ? measured >= target : measured <= target
        self.note = note
    }

    /// "missed: 4.2× too slow", "missed: 31% of the goal", or "met".
    public var verdict: String {
        guard !met else { return "met" }
        switch direction {
        case .atLeast: return "missed: \(Int((ratio * 100).rounded()))% of the goal"
        case .atMost: return "missed: \(BenchTable.number(ratio))× over"
        }
    }
}
