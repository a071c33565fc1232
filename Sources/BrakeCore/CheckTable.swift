/// What `check` consults: the pauses not lifted, as of one applied index.
///
/// A small value the node publishes after every apply, so `check` answers without waiting for the
/// node's driver; `Registry.check` answers through it too, so both give the same verdict.
///
/// Pauses are indexed by scope, so a check looks only at the pauses of the scope and of its
/// ancestors (at most one lookup per segment), however many pauses are in force elsewhere.
public struct CheckTable: Sendable, Hashable {
    /// The pauses not lifted, oldest first; a sunset may still end one (evaluated at check time).
    public private(set) var pauses: [Pause]
    /// The index of the last entry applied to the registry the table was taken from.
    public private(set) var appliedIndex: UInt64
    /// Positions in `pauses` by scope path, ascending.
    private var positionsByScope: [String: [Int]]

    /// An empty table: nothing paused, nothing applied.
    public static let empty = CheckTable(pauses: [], appliedIndex: 0)

    init(pauses: [Pause], appliedIndex: UInt64) {
        self.pauses = pauses
        self.appliedIndex = appliedIndex
        positionsByScope = Dictionary(grouping: pauses.indices) { pauses[$0].scope.path }
    }

    /// Whether work of `scope` may run at `now`: `paused` if a pause in force covers it, else `clear`.
    /// Sunsets are evaluated at `now`, even before an entry records them.
    public func check(_ scope: Scope, at now: Millis) -> CheckVerdict {
        let covering = Self.coveringPaths(of: scope)
            .flatMap { positionsByScope[$0] ?? [] }
            .sorted()
            .map { pauses[$0] }
            .filter { $0.isInForce(at: now) }
        guard !covering.isEmpty else { return CheckVerdict(verdict: .clear, scope: scope) }
        let reason = covering.map { "pause \($0.id.prefix(12)) of \($0.scope): \($0.reason)" }.joined(separator: "; ")
        return CheckVerdict(verdict: .paused, scope: scope, pauses: covering, reason: reason)
    }

    /// The paths whose pauses cover `scope`: the scope itself and each ancestor by whole segments
    /// (`a/b/c`, `a/b`, `a`), as `Scope.covers` defines covering.
    static func coveringPaths(of scope: Scope) -> [String] {
        var paths = [scope.path]
        var path = Substring(scope.path)
        while let slash = path.lastIndex(of: "/") {
            path = path[..<slash]
            paths.append(String(path))
        }
        return paths
    }
}

extension Registry {
    /// The table `check` consults: the pauses not lifted.
    public var checkTable: CheckTable {
        CheckTable(pauses: pauses.filter { $0.liftedAt == nil }, appliedIndex: appliedIndex)
    }
}
