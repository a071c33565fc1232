import BrakeCore
import BrakeLog
import BrakeRaft
import BrakeReplica

/// What a simulated node's store keeps about checkpoints, as `BrakeStore` keeps it in LMDB: its
/// Merkle tree (here only the frontier, which is what the core reads back at start), the checkpoint
/// it cosigned, the latest final one, and the evidence, each id kept once.
struct SimulatedCheckpointStore {
    /// The tree of the applied leaves; nil once a snapshot install left the history incomplete.
    private(set) var tree: MerkleFrontier? = MerkleFrontier()
    /// The position of each placed leaf, by entry index: the `history` table's leaf rows.
    private(set) var positions: [UInt64: UInt64] = [:]
    private(set) var cosigned: SignedCheckpoint?
    private(set) var final: SignedCheckpoint?
    /// Evidence by id: the first record of an id is kept, never overwritten.
    private(set) var evidence: [String: ForkEvidence] = [:]

    /// Step 3: an applied entry that is a declaration is the tree's next leaf.
    mutating func applied(_ entry: Entry) {
        guard tree != nil, let leaf = LogLeaf(entryIndex: entry.index, entryData: entry.data) else { return }
        positions[entry.index] = tree!.size
        _ = tree!.append(leafHash: leaf.hash)
    }

    /// Step 1: a snapshot installed through `index` when the store had applied through `applied`:
    /// the history no longer starts at entry 1 unless it already reached the snapshot.
    mutating func installed(through index: UInt64, applied: UInt64) {
        if applied < index { tree = nil }
    }

    /// Step 1: the core's checkpoint writes.
    mutating func persist(_ writes: CheckpointWrites) {
        if let cosigned = writes.cosigned { self.cosigned = cosigned }
        if let final = writes.final { self.final = final }
        for item in writes.evidence where evidence[item.id] == nil { evidence[item.id] = item }
    }

    /// What the core reads back at start, with the tree size after each entry of `charterChanges`
    /// (the registry's charter epochs), as `NodeDriver` reads them from the history.
    func stored(charterChanges: [UInt64]) -> StoredCheckpoints {
        var sizes: [UInt64: UInt64] = [:]
        if tree != nil {
            for index in charterChanges { sizes[index] = positions[index].map { $0 + 1 } }
        }
        return StoredCheckpoints(tree: tree, cosigned: cosigned, final: final, evidenceIDs: Set(evidence.keys), charterSizes: sizes)
    }
}
