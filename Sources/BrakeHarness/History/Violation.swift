/// A broken invariant found in a history, with the rule it breaks and what was seen.
public struct Violation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The invariants the checker enforces.
    public enum Rule: String, Sendable, Hashable, Codable {
        /// A node gave no final state after heal.
        case noFinalState = "no_final_state"
        /// An acknowledged declaration is missing from a node's final log.
        case lostAcknowledged = "lost_acknowledged"
        /// Two nodes' final logs differ.
        case divergentLogs = "divergent_logs"
        /// Two nodes report different registry digests.
        case divergentDigests = "divergent_digests"
        /// A node said `clear` while a committed pause covered the scope.
        case clearWhilePaused = "clear_while_paused"
        /// A pause whose trigger motion's logged signatures do not meet the trigger policy.
        case pauseWithoutPolicy = "pause_without_policy"
        /// A lift whose motion's logged signatures do not meet the lift policy.
        case liftWithoutPolicy = "lift_without_policy"
    }

    /// The rule broken.
    public var rule: Rule
    /// What was seen, for people.
    public var message: String

    /// Creates a violation.
    public init(_ rule: Rule, _ message: String) {
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(rule.rawValue): \(message)" }
}
