import BrakeLog

/// The permanent history as one read transaction sees it: the history rows, the leaves by position,
/// and the Merkle tree's stored nodes, which it serves to `MerkleTree` as a `MerkleNodeReader`.
///
/// It exists only inside `BrakeStore.readHistory` (and the apply transaction, to read the frontier
/// back); it must not be kept after that closure returns, since the transaction it reads ends there.
/// It counts the node reads it serves (`nodeReads`), so tests can check that a root or a frontier costs
/// O(log n) reads and that nothing replays the log.
public struct StoredHistory: MerkleNodeReader {
    /// How many leaves the tree holds.
    public let treeSize: UInt64
    /// The first entry index from which every applied entry has a history row: 1 unless the node
    /// installed a snapshot (or was written before the history existed). Past `appliedIndex` when no
    /// entry was applied since.
    public let historyFrom: UInt64
    /// The index of the last applied entry at the moment of the read: every row through it is stored
    /// from `historyFrom` on.
    public let appliedIndex: UInt64

    let txn: TransactionHandle
    let tables: BrakeStore.Tables
    private let counter = ReadCounter()

    init(_ txn: TransactionHandle, _ tables: BrakeStore.Tables, treeSize: UInt64? = nil) throws(StoreError) {
        self.txn = txn
        self.tables = tables
        let applied = try BrakeStore.appliedIndex(txn, tables)
        self.appliedIndex = applied
        if let treeSize { self.treeSize = treeSize } else { self.treeSize = try BrakeStore.treeSize(txn, tables) }
        self.historyFrom = try BrakeStore.recordedHistoryFrom(txn, tables) ?? applied + 1
    }

    /// Whether the node holds every leaf since the first, so its tree is the federation's: only then
    /// does it answer for roots and proofs.
    public var isComplete: Bool { historyFrom == 1 }

    /// The tree over the stored nodes, at its current size.
    public var tree: MerkleTree<StoredHistory> { MerkleTree(size: treeSize, reader: self) }

    /// How many node hashes this view has read.
    public var nodeReads: Int { counter.count }

    /// The stored hash of a complete node; `missing_node` when it is not stored.
    public func hash(of node: MerkleNodeID) throws -> MerkleHash {
        counter.count += 1
        guard let bytes = try txn.get(tables.merkle, StoreCodec.merkleKey(node)) else {
            throw LogError.missingNode(node)
        }
        return try StoreCodec.decodeHash(bytes, of: node)
    }

    /// The history row of entry `index`, or nil when the node has none.
    public func record(at index: UInt64) throws(StoreError) -> HistoryRecord? {
        let key = StoreCodec.historyKey(index)
        guard let value = try txn.get(tables.history, key) else { return nil }
        return try StoreCodec.decodeHistory(key: key, value: value)
    }

    /// The history rows with index `>= index`, in order, at most `limit`.
    public func records(from index: UInt64, limit: Int) throws(StoreError) -> [HistoryRecord] {
        var records: [HistoryRecord] = []
        guard limit > 0 else { return records }
        try txn.scan(tables.history, from: StoreCodec.historyKey(index)) { (key, value) throws(StoreError) in
            records.append(try StoreCodec.decodeHistory(key: key, value: value))
            return records.count < limit
        }
        return records
    }

    /// The entry index of the leaf at `position`, or nil beyond the tree.
    public func entryIndex(ofLeaf position: UInt64) throws(StoreError) -> UInt64? {
        guard let bytes = try txn.get(tables.leaves, StoreCodec.leafKey(position)) else { return nil }
        return try StoreCodec.decodeIndex(bytes, what: "leaf \(position)")
    }
}

/// A mutable count shared by the copies of one `StoredHistory` (the tree holds a copy of its reader).
private final class ReadCounter {
    var count = 0
}
