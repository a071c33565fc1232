import BrakeCore

/// The check index (`checks`): the pauses not lifted, keyed by scope, kept beside the registry rows
/// in the same transactions (layout: `CheckIndex`). A node restarted on a large store answers
/// `check` from it, in one read transaction with the applied index, while its registry loads.
///
/// It follows every write of a pause row: in `applyCommitted`, in a snapshot install (rebuilt
/// from the rows it brings), and once when a store made before the index existed is opened.
extension BrakeStore {
    /// The pauses not lifted that cover `scope`, as of the applied index read in the same
    /// transaction: exactly the table `Registry.checkTable` gives for the registry the rows hold.
    /// `store_corrupt` when an index row does not decode.
    public func checkTable(covering scope: Scope) throws(StoreError) -> CheckTable {
        let tables = self.tables
        let prefixes = CheckIndex.prefixes(covering: scope)
        let read = try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            var rows: [[UInt8]] = []
            for prefix in prefixes {
                try txn.scan(tables.checks, from: prefix) { (key, value) throws(StoreError) in
                    guard key.starts(with: prefix) else { return false }
                    rows.append(value)
                    return true
                }
            }
            return (rows: rows, applied: try Self.appliedIndex(txn.handle, tables))
        }
        do throws(BrakeError) {
            return try CheckIndex.table(rows: read.rows, appliedIndex: read.applied)
        } catch {
            throw .corrupt(error.message)
        }
    }

    /// How many pauses the check index holds (LMDB keeps the count, so it costs nothing).
    public func checkIndexCount() throws(StoreError) -> Int {
        let tables = self.tables
        return try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            try txn.count(tables.checks)
        }
    }

    /// Keeps the index in step with one registry row write, called before the row itself changes.
    /// A pause's scope and id never change, so its index key follows from either its old or its new row.
    static func followCheckIndex(
        key: [UInt8], value: [UInt8]?, in txn: inout WriteTransaction, _ tables: Tables
    ) throws(StoreError) {
        guard CheckIndex.isPauseRow(key) else { return }
        if let value {
            let entry = try indexEntry(key: key, value: value)
            if entry.unlifted {
                try txn.put(tables.checks, entry.key, value)
            } else {
                try txn.delete(tables.checks, entry.key)
            }
        } else if let old = try txn.get(tables.registry, key) {
            try txn.delete(tables.checks, indexEntry(key: key, value: old).key)
        }
    }

    /// The index entry of one pause row (`store_corrupt` when the row does not decode).
    static func indexEntry(key: [UInt8], value: [UInt8]) throws(StoreError) -> CheckIndex.Entry {
        do throws(BrakeError) {
            return try CheckIndex.entry(pauseRow: value)
        } catch {
            throw .corrupt("pause row \(String(decoding: key, as: UTF8.self)): \(error.message)")
        }
    }

    /// Rebuilds the whole index from the pause rows in `txn` (after a snapshot install replaced the
    /// rows, or for a store made before the index existed) and marks it built.
    static func rebuildCheckIndex(in txn: inout WriteTransaction, _ tables: Tables) throws(StoreError) {
        try txn.clear(tables.checks)
        let start = CheckIndex.pauseRowPrefix
        var rows: [(key: [UInt8], value: [UInt8])] = []
        try txn.scan(tables.registry, from: start) { (key, value) throws(StoreError) in
            guard key.starts(with: start) else { return false }
            rows.append((key, value))
            return true
        }
        for row in rows {
            let entry = try indexEntry(key: row.key, value: row.value)
            if entry.unlifted { try txn.put(tables.checks, entry.key, row.value) }
        }
        try txn.put(tables.meta, MetaKey.checkIndex, [1])
    }

    /// Builds the index once for a store that has pause rows but no index yet (made by an earlier
    /// version); a store that has it already is left alone.
    func buildCheckIndexIfMissing() throws(StoreError) {
        let tables = self.tables
        let built = try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            try txn.get(tables.meta, MetaKey.checkIndex) != nil
        }
        guard !built else { return }
        try environment.write { (txn: inout WriteTransaction) throws(StoreError) in
            try Self.rebuildCheckIndex(in: &txn, tables)
        }
    }
}
