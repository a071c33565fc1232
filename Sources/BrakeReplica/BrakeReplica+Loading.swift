import BrakeCore
import BrakeRaft

/// Restart with the registry loading: a node whose store holds a large registry starts from the
/// registry's head (its meta row and charter epochs: the applied index, the last time and the
/// charter in force) and runs Raft at once, while the shell loads the rest and hands it over with
/// `finishLoading(_:)` (Specs/consensus.md, "Restart").
///
/// Until then the core decides as follows:
/// - It takes part in Raft (votes, elections, heartbeats, appends), so it can be fresh.
/// - It applies nothing: committed entries wait in order, and are applied to the whole registry
///   when it arrives, through the ordinary apply path, so the rows, events and history are exactly
///   those of a node that never restarted.
/// - The snapshot it restarted from has no data yet (the whole registry as of that snapshot):
///   it sends no snapshot to a follower until the data arrives with the registry.
/// - It refuses submissions (`registry_loading`, which clients retry), neither pools nor pulls
///   gossiped declarations, restores its stored pool only once loaded, and takes no snapshot.
/// - `check` is answered by the shell from the store's check index, which is complete for the
///   applied index. The read basis counts the committed entries that wait as applied when they are
///   Raft no-ops or membership changes: such an entry changes no pause (its effective time is the
///   last one, and a sunset or an overdue deadline it reaches only emits an event), so the index
///   answers for them too. A waiting declaration ends the run: it may trigger or lift a pause, so
///   the node is not fresh until it is applied.
extension BrakeReplica {
    /// What a node whose registry is loading holds back.
    struct RegistryLoading: Sendable {
        /// The stored pool, restored once the registry is there to admit it.
        var pool: [Envelope]
        /// Committed entries not yet applied, in index order.
        var committed: [Entry] = []
    }

    /// Whether the registry is still loading: the shell answers `check` from the store's check
    /// index, and refuses reads that need the whole registry with `registry_loading`.
    public var registryLoading: Bool { loading != nil }

    /// The index through which `check` may answer from the check index: the applied index, and the
    /// waiting committed entries after it up to the first that carries a declaration.
    var checkBasisIndex: UInt64 {
        var index = registry.appliedIndex
        for entry in loading?.committed ?? [] {
            guard entry.index == index + 1, entry.isNoop || entry.isConfEntry else { break }
            index = entry.index
        }
        return index
    }

    /// The refusal of work that needs the whole registry while it loads.
    static var loadingRefusal: NodeError {
        NodeError(.registryLoading, "the node restarted and is still loading its registry; retry shortly")
    }

    /// Holds a committed entry back while the registry loads; false when it may be applied now.
    mutating func deferWhileLoading(_ entry: Entry) -> Bool {
        guard loading != nil else { return false }
        loading?.committed.append(entry)
        return true
    }

    /// The shell loaded the whole registry (and the data of the snapshot the node restarted from,
    /// which it opened with the metadata only): it replaces the head, the entries that waited are
    /// applied in order (their rows and answers come out of the next `ready()`), and the stored
    /// pool is admitted against it.
    ///
    /// The registry must be the one the head came from: the same applied index, last time and
    /// charter chain; otherwise it is refused (`inconsistent_store`) and the node keeps waiting. A
    /// registry that arrives after a snapshot install ended the loading is ignored.
    public mutating func finishLoading(_ whole: Registry, snapshotData: [UInt8]? = nil) throws(NodeError) {
        guard let held = loading else { return }
        guard whole.appliedIndex == registry.appliedIndex, whole.lastTime == registry.lastTime,
              whole.charterHistory == registry.charterHistory else {
            throw NodeError(.inconsistentStore, "the registry loaded through index \(whole.appliedIndex) does not continue the head the node started from (index \(registry.appliedIndex))")
        }
        loading = nil
        registry = whole
        if let snapshotData, let index = raft.snapshot?.metadata.index { raft.attachSnapshotData(snapshotData, index: index) }
        for entry in held.committed where halted == nil {
            apply(entry)
        }
        restorePool(held.pool)
    }

    /// A snapshot installed while loading replaces the registry whole: the loading ends, entries
    /// it covers are dropped, later ones are applied, and the stored pool is admitted against it.
    mutating func endLoadingByInstall() {
        guard let held = loading else { return }
        loading = nil
        for entry in held.committed where entry.index > registry.appliedIndex && halted == nil {
            apply(entry)
        }
        restorePool(held.pool)
    }
}
