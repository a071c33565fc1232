import BrakeLog
import BrakeRaft

/// The permanent history: every applied entry by index, and the RFC 9162 Merkle tree over its leaves,
/// stored as complete nodes (`Specs/log.md` 4, 5), written in the same transaction as the entry's
/// registry rows and events and never touched by Raft's compaction.
///
/// Appending a leaf reads the tree's frontier back from its stored peaks (`popcount(size)` reads) and
/// writes the nodes it completes, so a store of any size opens with no replay, and every root and
/// proof is O(log n) reads (`StoredHistory`, a `MerkleNodeReader` over one read transaction).
///
/// A node that installs a snapshot lacks the entries the snapshot covers: its history restarts after
/// the snapshot (`historyFrom`), the rows it already had stay, and the tree stops growing, because a
/// leaf can only be placed after every leaf before it. Its later declarations are kept as unplaced
/// leaves until the missing history is fetched from peers (not built yet; `Specs/log.md` 5.3).
extension BrakeStore {
    /// Reads the history in one read transaction: a consistent view of the rows, the tree and the
    /// applied index. The view must not escape `body` (its transaction ends when `body` returns).
    /// Errors from `body` pass through unchanged.
    public func readHistory<T>(_ body: (StoredHistory) throws -> T) throws -> T {
        let tables = self.tables
        var outcome: Result<T, any Error>?
        try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            let view = try StoredHistory(txn.handle, tables)
            do { outcome = .success(try body(view)) } catch { outcome = .failure(error) }
        }
        guard let outcome else { throw StoreError.corrupt("history read ended without an outcome") }
        return try outcome.get()
    }

    /// Writes the history row of `entry`, applied now, and when it is a leaf and the history is complete
    /// from entry 1, places it in the tree: the frontier is read back from the stored peaks, the nodes
    /// the leaf completes are written, and the tree size grows by one. Part of the apply transaction.
    /// `leaf` is the entry's leaf when the caller decoded it already (nil: it is decoded here).
    static func putHistory(_ entry: Entry, leaf: LogLeaf?, in txn: inout WriteTransaction, _ tables: Tables) throws(StoreError) {
        let index = entry.index
        let last = try txn.withCursor(tables.history) { (cursor: inout LMDBCursor) throws(StoreError) in try cursor.last() }
        var lastIndex: UInt64?
        if let last { lastIndex = try StoreCodec.decodeIndex(last.key, what: "history key") }
        if let lastIndex, lastIndex >= index {
            throw .corrupt("refused the history of entry \(index): the history already holds entry \(lastIndex)")
        }
        var from = try recordedHistoryFrom(txn.handle, tables)
        // The history is contiguous from `from`: this entry continues it, or starts it after a snapshot
        // install. Anything else (the first history row of a store, or an apply that recorded none) is
        // a new start.
        let continues = from.map { start in index == start || lastIndex.map { $0 >= start && $0 + 1 == index } == true } ?? false
        if !continues {
            from = index
            try txn.put(tables.meta, MetaKey.historyFrom, StoreCodec.encode(index))
        }
        var record = leaf.map { HistoryRecord(index: entry.index, term: entry.term, content: .leaf(position: nil, bytes: $0.bytes)) }
            ?? HistoryRecord(entry: entry)
        if case .leaf(_, let bytes) = record.content, from == 1 {
            let size = try treeSize(txn.handle, tables)
            var frontier: MerkleFrontier
            do {
                frontier = try MerkleFrontier(size: size, reading: StoredHistory(txn.handle, tables, treeSize: size))
            } catch let error as StoreError {
                throw error
            } catch {
                throw .corrupt("cannot read the Merkle frontier at size \(size): \(error)")
            }
            for node in frontier.append(leafHash: MerkleHash.leaf(bytes)) {
                try txn.put(tables.merkle, StoreCodec.merkleKey(node.id), node.hash.bytes)
            }
            try txn.put(tables.leaves, StoreCodec.leafKey(size), StoreCodec.encode(index))
            try txn.put(tables.meta, MetaKey.treeSize, StoreCodec.encode(size + 1))
            record.content = .leaf(position: size, bytes: bytes)
        }
        try txn.put(tables.history, StoreCodec.historyKey(index), StoreCodec.encode(history: record))
    }

    /// After a snapshot install through `appliedIndex`: unless the history already reaches it, the
    /// entries the snapshot covers are not on this node, and the history restarts after it. Rows
    /// already stored are kept: they are true history.
    static func restartHistory(after appliedIndex: UInt64, in txn: inout WriteTransaction, _ tables: Tables) throws(StoreError) {
        let last = try txn.withCursor(tables.history) { (cursor: inout LMDBCursor) throws(StoreError) in try cursor.last() }
        if let last, try StoreCodec.decodeIndex(last.key, what: "history key") >= appliedIndex { return }
        try txn.put(tables.meta, MetaKey.historyFrom, StoreCodec.encode(appliedIndex + 1))
    }

    static func treeSize(_ txn: TransactionHandle, _ tables: Tables) throws(StoreError) -> UInt64 {
        guard let bytes = try txn.get(tables.meta, MetaKey.treeSize) else { return 0 }
        return try StoreCodec.decodeIndex(bytes, what: "tree size")
    }

    static func recordedHistoryFrom(_ txn: TransactionHandle, _ tables: Tables) throws(StoreError) -> UInt64? {
        guard let bytes = try txn.get(tables.meta, MetaKey.historyFrom) else { return nil }
        return try StoreCodec.decodeIndex(bytes, what: "history-from index")
    }
}
