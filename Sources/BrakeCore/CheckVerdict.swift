/// The answer to "may I run work of this scope?": what `brakectl check` turns into an exit code.
public struct CheckVerdict: Sendable, Hashable, Codable {
    /// The three answers.
    public enum Verdict: String, Sendable, Hashable, Codable {
        /// No pause in force covers the scope.
        case clear
        /// At least one pause in force covers the scope.
        case paused
        /// The node cannot tell (stale, no quorum); decided by the node, never by the registry.
        case unknown
    }

    /// The answer.
    public var verdict: Verdict
    /// The scope asked about.
    public var scope: Scope
    /// The pauses in force that cover the scope, oldest first.
    public var pauses: [Pause]
    /// Why: the covering pauses' reasons, or why the verdict is unknown.
    public var reason: String?
    /// Whether the verdict is `paused` only because of self-certifying triggers not yet committed
    /// (`pendingPauses`): "paused (pending commit)".
    public var pending: Bool
    /// Self-certifying triggers this node holds that cover the scope (see `PendingTrigger`).
    public var pendingPauses: [PendingTrigger]

    /// Creates a verdict.
    public init(
        verdict: Verdict, scope: Scope, pauses: [Pause] = [], reason: String? = nil, pending: Bool = false,
        pendingPauses: [PendingTrigger] = []
    ) {
        self.verdict = verdict
        self.scope = scope
        self.pauses = pauses
        self.reason = reason
        self.pending = pending
        self.pendingPauses = pendingPauses
    }
}
