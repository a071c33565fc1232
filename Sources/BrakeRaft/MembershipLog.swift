/// The memberships in effect along a node's log: the one at the snapshot point and the one
/// after each conf entry held in memory.
///
/// A configuration takes effect as soon as its entry is in the log (thesis §4.1), so the node
/// always uses `latest`; when a follower's uncommitted suffix is truncated, the conf entries in
/// it are forgotten and the membership before them is in effect again.
struct MembershipLog: Sendable {
    /// The membership at the snapshot point (or the configured one without a snapshot).
    private(set) var base: Membership
    /// The membership after each conf entry after the snapshot point, in log order.
    private(set) var changes: [(index: UInt64, membership: Membership)] = []

    init(base: Membership) {
        self.base = base
    }

    /// The membership in effect now: after the last conf entry in the log.
    var latest: Membership { changes.last?.membership ?? base }

    /// The membership before the last conf entry in memory (`latest` without one).
    var beforeLatest: Membership {
        changes.isEmpty ? base : changes.dropLast().last?.membership ?? base
    }

    /// The index of the last conf entry in memory, if any.
    var latestChangeIndex: UInt64? { changes.last?.index }

    /// The membership in effect after the entry at `index` (for a snapshot taken there).
    func membership(at index: UInt64) -> Membership {
        changes.last(where: { $0.index <= index })?.membership ?? base
    }

    /// Every node that is a member (voter or learner) of the membership in effect at `index` or
    /// of any conf entry after it, sorted: with `index` the commit index, every node that may
    /// still belong to the group whichever way the uncommitted suffix of the log goes.
    func members(from index: UInt64) -> [NodeID] {
        var nodes = Set(membership(at: index).members)
        for change in changes where change.index > index { nodes.formUnion(change.membership.members) }
        return nodes.sorted()
    }

    /// Takes the conf entries among newly appended `entries` into effect. A conf entry that
    /// makes no sense against the membership before it changes nothing, on every node alike.
    mutating func append(_ entries: some Sequence<Entry>) {
        for entry in entries {
            guard let change = entry.confChange, let next = latest.applying(change) else { continue }
            changes.append((entry.index, next))
        }
    }

    /// Forgets the conf entries at or after `index` (their entries were truncated).
    mutating func truncate(from index: UInt64) {
        changes.removeAll { $0.index >= index }
    }

    /// Folds the conf entries through `index` into the base (the log was compacted there).
    mutating func compact(through index: UInt64) {
        base = membership(at: index)
        changes.removeAll { $0.index <= index }
    }

    /// Starts over from a snapshot's membership (a snapshot replaced the whole log).
    mutating func reset(to membership: Membership) {
        base = membership
        changes = []
    }
}
