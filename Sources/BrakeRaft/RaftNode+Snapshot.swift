/// Log compaction and snapshot installation (§7).
extension RaftNode {
    /// Tells the core that the application saved a snapshot of its state at `index`: entries
    /// through `index` leave memory, and the snapshot is what a follower gets when it needs
    /// one of them. The shell compacts its own stored log itself.
    ///
    /// Throws `compacted` if `index` is at or below the current snapshot, and `unavailable` if
    /// it is past the applied index (an unapplied state cannot be in the snapshot).
    public mutating func compact(through index: UInt64, snapshotData: [UInt8]) throws(RaftError) {
        guard index > log.snapshotIndex else { throw .compacted }
        guard index <= log.applied, let entryTerm = log.term(at: index) else { throw .unavailable }
        let metadata = SnapshotMetadata(index: index, term: entryTerm, membership: log.memberships.membership(at: index))
        log.compact(Snapshot(metadata: metadata, data: snapshotData))
    }

    /// Gives the snapshot this node restarted from its data, when the shell opened it with the
    /// metadata only (the data is the whole state machine: a node restarted on a large store reads
    /// it after it serves). Ignored unless the snapshot held is still the one of `index`.
    public mutating func attachSnapshotData(_ data: [UInt8], index: UInt64) {
        guard let snapshot = log.snapshot, snapshot.metadata.index == index, snapshot.data.isEmpty else { return }
        log.snapshot = Snapshot(metadata: snapshot.metadata, data: data)
    }

    mutating func handleSnapshot(from peer: NodeID, _ snap: Snapshot) {
        let index = snap.metadata.index
        guard index < .max, snap.metadata.term <= term else { return }  // malformed
        if index <= log.committed {
            // Stale or duplicate: we already have everything it holds.
            send(to: peer, .appendAccepted(matchIndex: log.committed))
            return
        }
        if log.matchTerm(index, snap.metadata.term) {
            // Our log already holds the snapshot's last entry, so it matches the leader through
            // it (log matching): keep our entries and just commit.
            log.commit(to: index)
            send(to: peer, .appendAccepted(matchIndex: index))
            return
        }
        log.restore(snap)
        send(to: peer, .appendAccepted(matchIndex: index))
    }
}
