/// What `check` consults: the pauses not lifted, as of one applied index.
///
/// A small value the node publishes after every apply, so `check` answers without waiting for the
/// node's driver; `Registry.check` answers through it too, so both give the same verdict.
///
/// Pauses are indexed by scope, so a check looks only at the pauses of the scope and of its
/// ancestors (at most one lookup per segment), however many pauses are in force elsewhere.
///
/// The registry keeps the table up to date as it stores pauses (`update`), and publishing it is a
/// copy of a value. The index is split into a fixed number of shards by scope, so changing one
/// pause after the table was published copies one shard, not every pause: the cost of an apply does
/// not grow with the number of pauses in force.
public struct CheckTable: Sendable, Hashable {
    /// The index of the last entry applied to the registry the table was taken from.
    public internal(set) var appliedIndex: UInt64
    /// Unlifted pauses by scope path, each list oldest first; a path's shard is `shard(of:)`.
    private var shards: [[String: [Pause]]]
    /// How many pauses the table holds.
    public private(set) var count = 0

    /// How many shards the scope index is split into.
    static let shardCount = 64

    /// An empty table: nothing paused, nothing applied.
    public static let empty = CheckTable(pauses: [], appliedIndex: 0)

    /// A table of the unlifted pauses among `pauses`, taken at `appliedIndex`.
    init(pauses: [Pause], appliedIndex: UInt64) {
        self.appliedIndex = appliedIndex
        shards = Array(repeating: [:], count: Self.shardCount)
        for pause in pauses { update(pause) }
    }

    /// Records the current state of `pause`: an unlifted pause is held (replacing an earlier state
    /// of it), a lifted one is dropped.
    mutating func update(_ pause: Pause) {
        let path = pause.scope.path
        let s = Self.shard(of: path)
        var list = shards[s].removeValue(forKey: path) ?? []
        if let at = list.firstIndex(where: { $0.id == pause.id }) {
            list.remove(at: at)
            count -= 1
        }
        if pause.liftedAt == nil {
            let key = (pause.triggeredAt, pause.id)
            list.insert(pause, at: list.firstIndex(where: { ($0.triggeredAt, $0.id) > key }) ?? list.endIndex)
            count += 1
        }
        if !list.isEmpty { shards[s][path] = list }
    }

    /// The unlifted pauses whose scope path is exactly `path`, oldest first.
    func pauses(ofPath path: String) -> [Pause] {
        shards[Self.shard(of: path)][path] ?? []
    }

    /// The pauses not lifted, oldest first; a sunset may still end one (evaluated at check time).
    public var pauses: [Pause] {
        shards.flatMap { $0.values.joined() }.sorted(by: Self.oldestFirst)
    }

    /// How many of the table's pauses are in force at `now`.
    public func countInForce(at now: Millis) -> Int {
        shards.reduce(0) { sum, shard in sum + shard.values.reduce(0) { $0 + $1.filter { $0.isInForce(at: now) }.count } }
    }

    /// Whether work of `scope` may run at `now`: `paused` if a pause in force covers it, else `clear`.
    /// Sunsets are evaluated at `now`, even before an entry records them.
    public func check(_ scope: Scope, at now: Millis) -> CheckVerdict {
        let covering = Self.coveringPaths(of: scope)
            .flatMap { pauses(ofPath: $0) }
            .filter { $0.isInForce(at: now) }
            .sorted(by: Self.oldestFirst)
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

    /// The shard of a scope path: FNV-1a of its bytes, the same in every process.
    static func shard(of path: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in path.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return Int(hash % UInt64(shardCount))
    }

    /// Oldest first: by trigger time, then id.
    static func oldestFirst(_ a: Pause, _ b: Pause) -> Bool {
        (a.triggeredAt, a.id) < (b.triggeredAt, b.id)
    }
}

extension Registry {
    /// The table `check` consults: the pauses not lifted, kept up to date as pauses are stored.
    public var checkTable: CheckTable {
        var table = lookup.unlifted
        table.appliedIndex = appliedIndex
        return table
    }
}
