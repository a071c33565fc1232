/// What one simulation run did and whether every invariant held.
public struct SimulationReport: Sendable, Hashable, CustomStringConvertible {
    /// The seed the run replays from.
    public var seed: UInt64
    /// The cluster size.
    public var nodes: Int
    /// The steps (global ticks) executed.
    public var steps: Int
    /// The first violation, or nil if every invariant held.
    public var violation: InvariantViolation?
    /// A fingerprint of the whole run: equal seeds must give equal hashes.
    public var traceHash: UInt64
    /// The highest index committed in the run.
    public var committedIndex: UInt64
    /// Submissions acknowledged to clients (their entry applied by the proposing node).
    public var acknowledged: Int
    /// Declarations the leaders' admission refused (invalid ones included).
    public var rejectedAtAdmission: Int
    /// Distinct terms that had a leader.
    public var leaderTerms: Int
    /// Pauses the most advanced registry holds at the end (lifted ones included).
    public var pauses: Int
    /// Of those, the pauses lifted.
    public var lifts: Int
    /// Crashes injected.
    public var crashes: Int
    /// Partitions started (symmetric or one-way).
    public var partitions: Int
    /// Snapshots taken by nodes (log compactions).
    public var compactions: Int
    /// Snapshots installed on followers from a leader.
    public var snapshotsInstalled: Int
    /// Messages put on the wire, delivered, and dropped (loss, partitions, crashes).
    public var messagesSent: Int
    /// Messages delivered.
    public var messagesDelivered: Int
    /// Messages dropped.
    public var messagesDropped: Int
    /// The tick at which liveness after heal was proven (a probe submission committed and every
    /// node converged), or nil if the run did not get there.
    public var convergedAtStep: Int?

    /// Whether every invariant held.
    public var passed: Bool { violation == nil }

    /// The command that replays this run's seed in the test suite.
    public var replayCommand: String {
        "BRAKE_SIM_SEED=\(seed) swift test --filter BrakeSimTests"
    }

    /// A one-line summary, or the violation report followed by the replay command.
    public var description: String {
        let summary = "seed \(seed): \(nodes) nodes, \(steps) steps, commit \(committedIndex), acked \(acknowledged), "
            + "rejected \(rejectedAtAdmission), pauses \(pauses) (lifted \(lifts)), leader terms \(leaderTerms), crashes \(crashes), partitions \(partitions), "
            + "compactions \(compactions)/\(snapshotsInstalled), msgs \(messagesSent)/\(messagesDelivered)/\(messagesDropped), "
            + "converged at \(convergedAtStep.map(String.init) ?? "-"), trace \(String(traceHash, radix: 16))"
        guard let violation else { return summary }
        return "\(summary)\n\(violation)\nreplay: \(replayCommand)"
    }
}
