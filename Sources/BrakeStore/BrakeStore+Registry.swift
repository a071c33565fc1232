import BrakeRaft

/// The registry tables: rows written by applying committed entries, and the index of the last entry applied.
///
/// The rows and the applied index always change in one transaction, so after a crash the node re-applies
/// exactly the entries after `appliedIndex()`: never one twice, never one half.
extension BrakeStore {
    /// What applying one committed entry writes: its row changes and its events.
    public struct AppliedEntry: Sendable {
        /// The entry's index.
        public var index: UInt64
        /// Its registry row changes.
        public var writes: [RegistryWrite]
        /// Its events, in order.
        public var events: [EventRecord]
        /// The committed entry itself, for the permanent history (its row, and its leaf and the
        /// Merkle nodes it completes; see `BrakeStore+History.swift`). It must have index `index`;
        /// the node always passes it. Without it the entry leaves no history row, and the history
        /// restarts at the next entry that has one (so only tests of the registry tables leave it out).
        public var history: Entry?

        /// Describes one applied entry.
        public init(index: UInt64, writes: [RegistryWrite], events: [EventRecord] = [], history: Entry? = nil) {
            self.index = index
            self.writes = writes
            self.events = events
            self.history = history
        }
    }

    /// Applies the row changes of committed entry `index`, stores its events (in order), adds it to
    /// the permanent history and records `index` as applied, atomically (see `applyCommitted(_:)`).
    public func applyCommitted(
        index: UInt64, writes: [RegistryWrite], events: [EventRecord] = [], history: Entry? = nil
    ) throws(StoreError) {
        try applyCommitted([AppliedEntry(index: index, writes: writes, events: events, history: history)])
    }

    /// Applies a batch of committed entries in one transaction: each entry's row changes and events,
    /// and the last index as applied. The batch lands whole or not at all.
    ///
    /// The commit is not fsynced (group commit: the apply needs no fsync of its own). The entries
    /// are in the durable log, so after a machine crash that loses this transaction the node
    /// re-applies them from the log, exactly once, because rows and applied index always move
    /// together; a process crash loses nothing (Specs/consensus.md, "Group commit").
    ///
    /// Indexes must rise within the batch and start above the applied index (they may skip ahead,
    /// after a snapshot install): applying an entry twice is refused with `store_corrupt` and
    /// changes nothing. A key that is empty or longer than `maxKeySize` fails with `store_invalid`
    /// and changes nothing.
    ///
    /// `pool` changes (as `writePool`) go into the same transaction.
    public func applyCommitted(_ batch: [AppliedEntry], pool: [(id: String, envelope: [UInt8]?)] = []) throws(StoreError) {
        guard !batch.isEmpty || !pool.isEmpty else { return }
        try validate(batch, pool: pool)
        let tables = self.tables
        try environment.write(durable: false) { (txn: inout WriteTransaction) throws(StoreError) in
            try Self.writeApplied(batch, in: &txn, tables)
            try Self.writePool(pool, in: &txn, tables)
        }
    }

    /// Refuses (`store_invalid`) a batch with a bad key or a history entry of another index, or a
    /// pool change with a bad id.
    func validate(_ batch: [AppliedEntry], pool: [(id: String, envelope: [UInt8]?)]) throws(StoreError) {
        for entry in batch {
            for write in entry.writes { try validate(key: write.key) }
            if let history = entry.history, history.index != entry.index {
                throw .invalid("the history entry has index \(history.index), not the applied index \(entry.index)")
            }
        }
        for change in pool { try validate(key: Array(change.id.utf8)) }
    }

    /// The body of `applyCommitted`: each entry's rows, events and history, then the applied index.
    static func writeApplied(_ batch: [AppliedEntry], in txn: inout WriteTransaction, _ tables: Tables) throws(StoreError) {
        guard !batch.isEmpty else { return }
        var applied = try Self.appliedIndex(txn.handle, tables)
        for entry in batch {
            guard entry.index > applied else {
                throw .corrupt("refused to apply entry \(entry.index): entries through \(applied) are already applied")
            }
            for write in entry.writes {
                try Self.followCheckIndex(key: write.key, value: write.value, in: &txn, tables)
                if let value = write.value {
                    try txn.put(tables.registry, write.key, value)
                } else {
                    try txn.delete(tables.registry, write.key)
                }
            }
            try Self.putEvents(entry.events, of: entry.index, in: &txn, tables)
            if let history = entry.history { try Self.putHistory(history, in: &txn, tables) }
            applied = entry.index
        }
        try txn.put(tables.meta, MetaKey.appliedIndex, StoreCodec.encode(applied))
    }

    /// The index of the last entry whose writes are in the registry tables; 0 for a new store.
    public func appliedIndex() throws(StoreError) -> UInt64 {
        let tables = self.tables
        return try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            try Self.appliedIndex(txn.handle, tables)
        }
    }

    /// Every registry row in key order, from one consistent snapshot; the node loads its registry from these.
    public func registryRows() throws(StoreError) -> [(key: [UInt8], value: [UInt8])] {
        try registryRows(from: [])
    }

    /// The registry rows whose key is `>= start`, in key order, at most `limit` of them: a range scan over a
    /// key prefix the registry laid out.
    public func registryRows(from start: [UInt8], limit: Int = .max) throws(StoreError) -> [(key: [UInt8], value: [UInt8])] {
        let tables = self.tables
        return try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            var rows: [(key: [UInt8], value: [UInt8])] = []
            guard limit > 0 else { return rows }
            try txn.scan(tables.registry, from: start) { (key, value) throws(StoreError) in
                rows.append((key, value))
                return rows.count < limit
            }
            return rows
        }
    }

    /// The rows a restarted node needs before the rest of its registry: the meta row (applied index,
    /// last time, charter id) and the charter epochs (`c/`), from one consistent snapshot. Their
    /// number does not grow with the entries applied, only with the amendments passed.
    public func registryHeadRows() throws(StoreError) -> [(key: [UInt8], value: [UInt8])] {
        let tables = self.tables
        return try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            var rows: [(key: [UInt8], value: [UInt8])] = []
            let meta = Array("meta".utf8)
            if let value = try txn.get(tables.registry, meta) { rows.append((meta, value)) }
            let epochs = Array("c/".utf8)
            try txn.scan(tables.registry, from: epochs) { (key, value) throws(StoreError) in
                guard key.starts(with: epochs) else { return false }
                rows.append((key, value))
                return true
            }
            return rows
        }
    }

    /// The registry row under `key`, or nil.
    public func registryValue(for key: [UInt8]) throws(StoreError) -> [UInt8]? {
        try validate(key: key)
        let tables = self.tables
        return try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            try txn.get(tables.registry, key)
        }
    }

    static func appliedIndex(_ txn: TransactionHandle, _ tables: Tables) throws(StoreError) -> UInt64 {
        guard let bytes = try txn.get(tables.meta, MetaKey.appliedIndex) else { return 0 }
        return try StoreCodec.decodeIndex(bytes, what: "applied index")
    }

    func validate(key: [UInt8]) throws(StoreError) {
        guard !key.isEmpty, key.count <= maxKeySize else {
            throw .invalid("a registry key has \(key.count) bytes; keys must have 1 to \(maxKeySize) bytes")
        }
    }
}
