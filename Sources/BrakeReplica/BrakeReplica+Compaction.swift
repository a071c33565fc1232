import BrakeCore
import BrakeRaft

/// Log compaction without encoding the registry (Specs/consensus.md, "What a snapshot is").
///
/// The registry rows the shell stores with the applied index ARE the state, so a snapshot the node
/// takes of itself is metadata only: index, term and membership. Taking one costs nothing that
/// grows with the registry; the shell stores the metadata and drops the log through its index.
/// A snapshot's data (the registry encoded whole) is produced only when a follower needs one,
/// from the registry in memory, which is then exactly the state at the snapshot's index.
extension BrakeReplica {
    /// Compacts the log when enough entries were applied since the last snapshot: Raft keeps the
    /// snapshot's metadata (and no data), the shell stores it and drops the log through its index.
    mutating func maybeCompact() {
        let applied = registry.appliedIndex
        guard halted == nil, loading == nil, applied >= snapshotIndex + max(config.snapshotInterval, 1) else { return }
        do {
            try raft.compact(through: applied, snapshotData: [])
        } catch {
            return  // nothing new to fold in
        }
        pending.compaction = raft.snapshot
    }

    /// The snapshot to stream to a follower for which Raft asked `asked`, or nil when this node
    /// cannot send one now (the caller reports the snapshot failed, and Raft probes and asks again).
    ///
    /// A snapshot with data is sent as it is. One without data gets it now, encoded from the
    /// registry, whose state must be the snapshot's: when the registry is applied exactly through
    /// the snapshot's index the data is attached to it; when it is applied further, the node
    /// compacts again at its applied index with the data (the shell stores that snapshot's
    /// metadata as for any compaction) and Raft asks for the new snapshot on its next probe. While
    /// the registry loads (only its head is in memory) no snapshot is sent.
    mutating func snapshotToSend(_ asked: Snapshot) -> Snapshot? {
        guard asked.data.isEmpty else { return asked }
        guard halted == nil, loading == nil else { return nil }
        let index = asked.metadata.index
        let applied = registry.appliedIndex
        if applied == index, raft.snapshot?.metadata == asked.metadata {
            raft.attachSnapshotData(registry.snapshot(), index: index)
            guard let held = raft.snapshot, held.metadata == asked.metadata, !held.data.isEmpty else { return nil }
            return held
        }
        if applied > snapshotIndex {
            do {
                try raft.compact(through: applied, snapshotData: registry.snapshot())
                pending.compaction = raft.snapshot.map { Snapshot(metadata: $0.metadata, data: []) }
            } catch {
                return nil  // Raft has no entry there yet: it asks again
            }
        }
        return nil
    }
}
