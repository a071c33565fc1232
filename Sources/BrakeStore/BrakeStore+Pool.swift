/// The pending pool's table: each declaration the node holds but has not seen committed, as its
/// merged DSSE envelope (JSON bytes) under its id (the 64 hex characters of its SHA-256).
///
/// The core decides what enters and leaves the pool; the store only keeps it, so the pool survives
/// a restart. Writes need no fsync of their own: a pool entry lost in a machine crash comes back
/// by gossip from the other nodes, or by resubmission.
extension BrakeStore {
    /// Stores or deletes pool entries in one transaction: a non-nil envelope replaces the row of
    /// its id, nil deletes it. An id that is empty or longer than `maxKeySize` fails with
    /// `store_invalid` and changes nothing.
    public func writePool(_ changes: [(id: String, envelope: [UInt8]?)]) throws(StoreError) {
        try applyCommitted([], pool: changes)
    }

    /// The body of `writePool`.
    static func writePool(_ changes: [(id: String, envelope: [UInt8]?)], in txn: inout WriteTransaction, _ tables: Tables) throws(StoreError) {
        for change in changes {
            if let envelope = change.envelope {
                try txn.put(tables.pool, Array(change.id.utf8), envelope)
            } else {
                try txn.delete(tables.pool, Array(change.id.utf8))
            }
        }
    }

    /// Every stored pool entry, in id order, from one consistent read.
    public func pooledEnvelopes() throws(StoreError) -> [(id: String, envelope: [UInt8])] {
        let tables = self.tables
        return try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            var rows: [(id: String, envelope: [UInt8])] = []
            try txn.scan(tables.pool, from: []) { (key, value) throws(StoreError) in
                rows.append((String(decoding: key, as: UTF8.self), value))
                return true
            }
            return rows
        }
    }
}
