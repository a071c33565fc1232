/// The in-memory log of one node: a snapshot point followed by the entries after it, plus the
/// cursors that say what the shell has been given to persist and to apply.
///
/// Invariant: `entries[i].index == snapshotIndex + 1 + i`, and
/// `snapshotIndex <= applied <= committed <= lastIndex`.
struct RaftLog: Sendable {
    /// The latest snapshot, kept to send to followers that need compacted entries.
    var snapshot: Snapshot?
    /// Index and term of the last entry folded into the snapshot (0, 0 without one).
    private(set) var snapshotIndex: UInt64
    private(set) var snapshotTerm: UInt64
    /// The entries after `snapshotIndex`.
    private(set) var entries: [Entry]
    /// The highest index known committed.
    private(set) var committed: UInt64
    /// The highest index handed to the shell to apply.
    private(set) var applied: UInt64
    /// The first index not yet handed to the shell to persist.
    private(set) var unstableFrom: UInt64
    /// A snapshot received from the leader that the shell must still persist and install.
    private(set) var pendingSnapshot: Snapshot?
    /// The memberships along the log; `memberships.latest` is the one in effect.
    private(set) var memberships: MembershipLog

    /// Rebuilds the log from what the store kept. Entries that do not continue the snapshot
    /// contiguously are dropped (the store would be corrupt; we never trap on it). The membership
    /// is the snapshot's (or `configured` without a snapshot), changed by the conf entries kept.
    init(snapshot: Snapshot?, entries stored: [Entry], commit: UInt64, applied: UInt64, configured: Membership) {
        self.snapshot = snapshot
        snapshotIndex = snapshot?.metadata.index ?? 0
        snapshotTerm = snapshot?.metadata.term ?? 0
        var kept: [Entry] = []
        var lastTerm = snapshotTerm
        for entry in stored where entry.index > snapshotIndex {
            guard entry.index == snapshotIndex + 1 + UInt64(kept.count), entry.term >= lastTerm else { break }
            kept.append(entry)
            lastTerm = entry.term
        }
        entries = kept
        let last = snapshotIndex + UInt64(kept.count)
        committed = min(max(commit, snapshotIndex), last)
        self.applied = min(max(applied, snapshotIndex), committed)
        unstableFrom = last + 1
        pendingSnapshot = nil
        memberships = MembershipLog(base: snapshot.map { Self.membership(of: $0, or: configured) } ?? configured)
        memberships.append(kept)
    }

    /// A snapshot's membership; one without voters (never written by this core) keeps `fallback`.
    static func membership(of snap: Snapshot, or fallback: Membership) -> Membership {
        snap.metadata.voters.isEmpty ? fallback : snap.metadata.membership
    }

    var firstIndex: UInt64 { snapshotIndex + 1 }
    var lastIndex: UInt64 { snapshotIndex + UInt64(entries.count) }
    var lastTerm: UInt64 { entries.last?.term ?? snapshotTerm }

    /// The term of the entry at `index`, or nil if it is compacted away or beyond the log.
    func term(at index: UInt64) -> UInt64? {
        if index == snapshotIndex { return snapshotTerm }
        guard index > snapshotIndex, index <= lastIndex else { return nil }
        return entries[Int(index - snapshotIndex - 1)].term
    }

    func matchTerm(_ index: UInt64, _ term: UInt64) -> Bool {
        self.term(at: index) == term
    }

    /// §5.4.1: a candidate's log is at least as up to date as ours.
    func isUpToDate(lastIndex candidateIndex: UInt64, lastTerm candidateTerm: UInt64) -> Bool {
        candidateTerm > lastTerm || (candidateTerm == lastTerm && candidateIndex >= lastIndex)
    }

    /// Leader-side append of new entries at the end of the log.
    mutating func append(_ new: [Entry]) {
        entries.append(contentsOf: new)
        memberships.append(new)
    }

    /// Follower-side append: keeps the entries that match, truncates at the first conflict and
    /// appends the rest (§5.3). Returns false, changing nothing, if the entries are malformed or
    /// would overwrite a committed entry (a broken leader; never trap on it).
    mutating func appendFromLeader(after prevIndex: UInt64, _ new: [Entry]) -> Bool {
        for (offset, entry) in new.enumerated() where entry.index != prevIndex + 1 + UInt64(offset) {
            return false
        }
        guard let conflict = new.first(where: { !matchTerm($0.index, $0.term) }) else { return true }
        if conflict.index <= committed { return false }
        let keep = Int(conflict.index - snapshotIndex - 1)
        entries.removeSubrange(keep...)
        memberships.truncate(from: conflict.index)
        let added = new[Int(conflict.index - prevIndex - 1)...]
        entries.append(contentsOf: added)
        memberships.append(added)
        unstableFrom = min(unstableFrom, conflict.index)
        return true
    }

    /// Entries from `from` on, bounded by count and bytes (at least one entry if any exist), or
    /// nil if `from` is compacted away.
    func slice(from: UInt64, maxEntries: Int, maxBytes: Int) -> [Entry]? {
        guard from > snapshotIndex else { return nil }
        guard from <= lastIndex else { return [] }
        var result: [Entry] = []
        var bytes = 0
        var index = Int(from - snapshotIndex - 1)
        while index < entries.count, result.count < max(maxEntries, 1) {
            let entry = entries[index]
            bytes += entry.data.count
            if !result.isEmpty && bytes > maxBytes { break }
            result.append(entry)
            index += 1
        }
        return result
    }

    /// The last index at or below `atOrBelow` whose term is `term`, if the log has one.
    func lastIndex(ofTerm term: UInt64, atOrBelow: UInt64) -> UInt64? {
        var index = min(atOrBelow, lastIndex)
        while index >= snapshotIndex {
            guard let t = self.term(at: index) else { return nil }
            if t == term { return index }
            if t < term || index == 0 { return nil }
            index -= 1
        }
        return nil
    }

    /// The first index of the run of `term` that contains `index` (fast backtracking hint).
    func firstIndex(ofTermAt index: UInt64) -> UInt64 {
        guard let t = term(at: index) else { return index }
        var first = index
        while first > firstIndex, term(at: first - 1) == t { first -= 1 }
        return first
    }

    /// Raises the commit index; never lowers it, never past the log.
    mutating func commit(to index: UInt64) {
        let target = min(index, lastIndex)
        if target > committed { committed = target }
    }

    /// Replaces the whole log with a snapshot received from the leader.
    mutating func restore(_ snap: Snapshot) {
        snapshot = snap
        snapshotIndex = snap.metadata.index
        snapshotTerm = snap.metadata.term
        entries = []
        committed = snap.metadata.index
        applied = snap.metadata.index
        unstableFrom = snap.metadata.index + 1
        pendingSnapshot = snap
        memberships.reset(to: Self.membership(of: snap, or: memberships.latest))
    }

    /// Drops the entries through `index`, which the application folded into `snap`.
    mutating func compact(_ snap: Snapshot) {
        let index = snap.metadata.index
        guard index > snapshotIndex, index <= lastIndex, let t = term(at: index) else { return }
        entries.removeFirst(Int(index - snapshotIndex))
        snapshotIndex = index
        snapshotTerm = t
        snapshot = snap
        memberships.compact(through: index)
    }

    /// Hands the unpersisted entries to the shell and considers them persisted from now on.
    mutating func takeUnstable() -> [Entry] {
        guard unstableFrom <= lastIndex else { return [] }
        let start = max(unstableFrom, firstIndex)
        let result = Array(entries[Int(start - snapshotIndex - 1)...])
        unstableFrom = lastIndex + 1
        return result
    }

    mutating func takePendingSnapshot() -> Snapshot? {
        defer { pendingSnapshot = nil }
        return pendingSnapshot
    }

    var hasUnstable: Bool { unstableFrom <= lastIndex || pendingSnapshot != nil }
    var hasCommittedToApply: Bool { committed > applied }

    /// Hands the committed but unapplied entries to the shell.
    mutating func takeCommitted() -> [Entry] {
        guard committed > applied else { return [] }
        let start = Int(applied - snapshotIndex)
        let end = Int(committed - snapshotIndex)
        applied = committed
        return Array(entries[start..<end])
    }
}
