/// A self-certifying trigger: a trigger motion a node holds, not yet committed, whose signatures
/// (those the registry recorded and those in the node's pending pool) already meet the charter's
/// trigger policy. Any node that holds one answers `check` for its scope `paused`, marked pending
/// commit, even cut off from a quorum (DESIGN.md: a brake can be pressed during a partition, but
/// not released).
///
/// The registry still decides from committed entries only; the pending verdict is a layer on top
/// (`CheckTable.check(_:at:fresh:pending:)`), and it ends when the motion commits (the pause is then
/// the registry's), expires, or leaves the pool.
public struct PendingTrigger: Sendable, Hashable, Codable {
    /// The trigger motion's id: the id its pause will have.
    public var id: String
    /// The scope it pauses.
    public var scope: Scope
    /// The motion's reason.
    public var reason: String
    /// The parties whose valid signatures meet the trigger policy, sorted.
    public var signers: [String]
    /// When the motion expires: the pending verdict ends then if it has not committed.
    public var expires: Millis

    /// Creates a pending trigger.
    public init(id: String, scope: Scope, reason: String, signers: [String], expires: Millis) {
        self.id = id
        self.scope = scope
        self.reason = reason
        self.signers = signers
        self.expires = expires
    }

    /// Whether it still holds at `now` and covers `scope`.
    public func covers(_ scope: Scope, at now: Millis) -> Bool {
        now < expires && self.scope.covers(scope)
    }
}

extension CheckTable {
    /// The local answer of a node: the committed table when the node is `fresh`, `unknown` (with
    /// `unknownReason`) when it is not, and on top of either a pending `paused` for every
    /// self-certifying trigger in `pending` that covers `scope` at `now`.
    ///
    /// A pending trigger can only make the answer `paused`, never `clear`: a lift takes effect only
    /// from a committed entry, and a node that is not fresh never answers `clear`.
    public func check(_ scope: Scope, at now: Millis, fresh: Bool, unknownReason: String, pending: [PendingTrigger]) -> CheckVerdict {
        let holding = pending.filter { $0.covers(scope, at: now) }.sorted { ($0.expires, $0.id) < ($1.expires, $1.id) }
        var verdict = fresh ? check(scope, at: now) : CheckVerdict(verdict: .unknown, scope: scope, pauses: [], reason: unknownReason)
        guard !holding.isEmpty else { return verdict }
        // Committed pauses already answer for a fresh node; pending ones add to them.
        verdict.pendingPauses = holding
        if verdict.verdict != .paused {
            verdict.verdict = .paused
            verdict.pending = true
            verdict.reason = holding.map {
                "trigger \($0.id.prefix(12)) of \($0.scope), signed by \($0.signers.joined(separator: ", ")), pending commit: \($0.reason)"
            }.joined(separator: "; ")
        }
        return verdict
    }
}
