/// What `check` consults: the pauses not lifted, as of one applied index.
///
/// A small value the node publishes after every apply, so `check` answers without waiting for the
/// node's driver; `Registry.check` answers through it too, so both give the same verdict.
public struct CheckTable: Sendable, Hashable {
    /// The pauses not lifted, oldest first; a sunset may still end one (evaluated at check time).
    public private(set) var pauses: [Pause]
    /// The index of the last entry applied to the registry the table was taken from.
    public private(set) var appliedIndex: UInt64

    /// An empty table: nothing paused, nothing applied.
    public static let empty = CheckTable(pauses: [], appliedIndex: 0)

    init(pauses: [Pause], appliedIndex: UInt64) {
        self.pauses = pauses
        self.appliedIndex = appliedIndex
    }

    /// Whether work of `scope` may run at `now`: `paused` if a pause in force covers it, else `clear`.
    /// Sunsets are evaluated at `now`, even before an entry records them.
    public func check(_ scope: Scope, at now: Millis) -> CheckVerdict {
        let covering = pauses.filter { $0.isInForce(at: now) && $0.scope.covers(scope) }
        guard !covering.isEmpty else { return CheckVerdict(verdict: .clear, scope: scope) }
        let reason = covering.map { "pause \($0.id.prefix(12)) of \($0.scope): \($0.reason)" }.joined(separator: "; ")
        return CheckVerdict(verdict: .paused, scope: scope, pauses: covering, reason: reason)
    }
}

extension Registry {
    /// The table `check` consults: the pauses not lifted.
    public var checkTable: CheckTable {
        CheckTable(pauses: pauses.filter { $0.liftedAt == nil }, appliedIndex: appliedIndex)
    }
}
