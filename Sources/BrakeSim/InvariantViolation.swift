/// The first invariant a simulation run broke: which, when, and what the simulator saw just
/// before. A run stops at the first violation, so the report describes the earliest symptom.
public struct InvariantViolation: Error, Sendable, Hashable, CustomStringConvertible {
    /// The invariants the simulator checks after every step.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// At most one leader per term, over the whole history.
        case electionSafety = "election_safety"
        /// Two persisted logs with an entry of the same index and term are identical up to it.
        case logMatching = "log_matching"
        /// A leader's log holds every entry committed in an earlier term.
        case leaderCompleteness = "leader_completeness"
        /// Every node applies the same entry at each index.
        case stateMachineSafety = "state_machine_safety"
        /// An acknowledged submission disappeared from a node's applied log.
        case acknowledgedLost = "acknowledged_lost"
        /// Two nodes at the same applied index hold different registry snapshots.
        case registryDivergence = "registry_divergence"
        /// A pause in force, or a lift, without signatures of distinct parties that meet the
        /// charter's policy (checked without the registry's own logic).
        case policySafety = "policy_safety"
        /// An invalid declaration (forged, unknown key, wrong federation, unknown pause) was admitted.
        case admission
        /// Committed leader timestamps decreased.
        case timeMonotonicity = "time_monotonicity"
        /// A committed leader timestamp lies more than the charter's clock skew ahead of the
        /// wall clock of every node whose clock the scenario did not set wrong (Specs/time.md).
        case timeBound = "time_bound"
        /// Two nodes found different roots final at one checkpoint size.
        case checkpointAgreement = "checkpoint_agreement"
        /// The shell's durable state broke Raft's contract (a gap in the log or in applies).
        case persistence
        /// After the faults stopped, no leader was elected, no submission committed, or the
        /// nodes did not converge within the bound.
        case liveness
    }

    /// Which invariant broke.
    public var kind: Kind
    /// The step (global tick) after which it was seen.
    public var step: Int
    /// What exactly was wrong, with the indices, terms and nodes involved.
    public var message: String
    /// The last events before the violation, oldest first.
    public var recentEvents: [String]

    /// Creates a violation report.
    public init(kind: Kind, step: Int, message: String, recentEvents: [String] = []) {
        self.kind = kind
        self.step = step
        self.message = message
        self.recentEvents = recentEvents
    }

    /// A multi-line report: the invariant, the step, the details and the recent events.
    public var description: String {
        var lines = ["invariant \(kind.rawValue) violated at step \(step): \(message)"]
        if !recentEvents.isEmpty {
            lines.append("recent events:")
            lines += recentEvents.map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }
}
