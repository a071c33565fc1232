import BrakeRaft

/// Raft's durable state: hard state, log and snapshot.
///
/// The log always holds a contiguous run of entries `firstIndex...lastIndex`. Everything before it is folded
/// into the snapshot or dropped by `compact`; the store remembers the index and term of that boundary so that
/// `term(at: firstIndex - 1)` still answers Raft's append consistency check (§5.3).
extension BrakeStore {
    /// Everything Raft needs to restart: the hard state (zero when never saved), the snapshot if one was
    /// stored, and the log entries after it, in index order. Without `snapshotData` the snapshot
    /// comes with its metadata only (its data is the whole registry: `snapshotData()` reads it later).
    public func loadRaftState(snapshotData: Bool = true) throws(StoreError) -> (hardState: HardState, snapshot: Snapshot?, entries: [Entry]) {
        let tables = self.tables
        let state = try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            let hardState = try txn.get(tables.meta, MetaKey.hardState).map(StoreCodec.decodeHardState) ?? HardState()
            var snapshot: Snapshot?
            if let metadata = try Self.snapshotMetadata(txn.handle, tables) {
                let data = snapshotData ? try txn.get(tables.snapshot, MetaKey.snapshotData) ?? [] : []
                snapshot = Snapshot(metadata: metadata, data: data)
            }
            let entries = try Self.entries(txn.handle, tables, from: 0, through: .max)
            return (hardState: hardState, snapshot: snapshot, entries: entries)
        }
        durableTermVote.withLock { $0 = (state.hardState.term, state.hardState.vote) }
        return state
    }

    /// The stored snapshot's index and data, or nil when none is stored.
    public func snapshotData() throws(StoreError) -> (index: UInt64, data: [UInt8])? {
        let tables = self.tables
        return try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            guard let metadata = try Self.snapshotMetadata(txn.handle, tables) else { return nil }
            return (metadata.index, try txn.get(tables.snapshot, MetaKey.snapshotData) ?? [])
        }
    }

    /// Persists a Raft `Ready` batch in ONE write transaction, durable unless it changes only the
    /// commit index (term and vote as last written, no entries, no snapshot), in this order:
    /// 1. `snapshot`: stored, and log entries at or below its index deleted. If the log does not hold the
    ///    snapshot's last entry with the same term, the entries after it are deleted too (Raft §7: a log that
    ///    disagrees with a snapshot cannot be kept). A snapshot older than the stored snapshot or compaction point is refused.
    /// 2. `entries` (contiguous, ascending): every stored entry with index `>= entries[0].index` is deleted
    ///    (a conflicting suffix is truncated), then the entries are stored. They must start after the
    ///    snapshot and compaction point and leave no gap after the last stored entry.
    /// 3. `hardState`: stored.
    /// A refused batch fails with `store_corrupt` and changes nothing.
    ///
    /// With `registry`, the snapshot comes from the leader and restores the registry: every registry
    /// row is replaced by `registry.rows` and the applied index set, in the same transaction, so a
    /// crash leaves either the old log and registry or the new ones, never a mix. The events and the
    /// permanent history restart after the snapshot: this node never saw the entries it covers.
    public func persist(
        hardState: HardState?, entries: [Entry], snapshot: Snapshot?,
        registry: (rows: [(key: [UInt8], value: [UInt8])], appliedIndex: UInt64)? = nil
    ) throws(StoreError) {
        if let registry {
            for row in registry.rows { try validate(key: row.key) }
        }
        let tables = self.tables
        let commitOnly = snapshot == nil && registry == nil && changesOnlyCommit(hardState: hardState, entries: entries)
        try environment.write(durable: !commitOnly) { (txn: inout WriteTransaction) throws(StoreError) in
            if let snapshot {
                try Self.install(snapshot, in: &txn, tables)
            }
            if let registry {
                try txn.clear(tables.registry)
                for row in registry.rows { try txn.put(tables.registry, row.key, row.value) }
                try Self.rebuildCheckIndex(in: &txn, tables)
                try txn.put(tables.meta, MetaKey.appliedIndex, StoreCodec.encode(registry.appliedIndex))
                try Self.resetEvents(through: registry.appliedIndex, in: &txn, tables)
                try Self.restartHistory(after: registry.appliedIndex, in: &txn, tables)
            }
            try Self.writeLog(hardState: hardState, entries: entries, in: &txn, tables)
        }
        if let hardState { durableTermVote.withLock { $0 = (hardState.term, hardState.vote) } }
    }

    /// Whether a batch of `hardState` and `entries` changes only the commit index (term and vote
    /// as last written, no entries). Raft needs term, vote and log durable before it answers; a
    /// change of the commit index alone can be recomputed after a crash, so it is written without
    /// an fsync.
    func changesOnlyCommit(hardState: HardState?, entries: [Entry]) -> Bool {
        entries.isEmpty
            && hardState.map { next in durableTermVote.withLock { $0.map { $0.term == next.term && $0.vote == next.vote } ?? false } } == true
    }

    /// Steps 2 and 3 of `persist`: the entries (a conflicting suffix truncated) and the hard state.
    static func writeLog(hardState: HardState?, entries: [Entry], in txn: inout WriteTransaction, _ tables: Tables) throws(StoreError) {
        if let first = entries.first {
            for (offset, entry) in entries.enumerated() where entry.index != first.index &+ UInt64(offset) {
                throw .corrupt("refused to persist entries: index \(entry.index) follows \(first.index &+ UInt64(offset) &- 1); entries must be contiguous")
            }
            let base = try Self.logBase(txn.handle, tables)
            let last = try Self.lastIndex(txn.handle, tables)
            guard first.index > base.index else {
                throw .corrupt("refused to persist entry \(first.index): the log is compacted through \(base.index)")
            }
            guard first.index <= last &+ 1 else {
                throw .corrupt("refused to persist entry \(first.index): the log ends at \(last), which would leave a gap")
            }
            try Self.deleteLog(in: &txn, tables, from: first.index)
            for entry in entries {
                try txn.put(tables.log, StoreCodec.logKey(entry.index), StoreCodec.encode(entry: entry))
            }
        }
        if let hardState {
            try txn.put(tables.meta, MetaKey.hardState, StoreCodec.encode(hardState: hardState))
        }
    }

    /// The stored entries with index in `from...through`, in order. Entries already compacted away or past
    /// the last index are simply absent, so check `firstIndex()` when the range may reach below it.
    public func entries(from: UInt64, through: UInt64) throws(StoreError) -> [Entry] {
        guard from <= through else { return [] }
        let tables = self.tables
        return try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            try Self.entries(txn.handle, tables, from: from, through: through)
        }
    }

    /// The first index still in the log: the first stored entry, or one past the snapshot or compaction point
    /// when the log is empty (1 for a new store).
    public func firstIndex() throws(StoreError) -> UInt64 {
        let tables = self.tables
        return try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            let first = try txn.withCursor(tables.log) { (cursor: inout LMDBCursor) throws(StoreError) in
                try cursor.first()
            }
            if let first { return try StoreCodec.index(fromLogKey: first.key) }
            return try Self.logBase(txn.handle, tables).index + 1
        }
    }

    /// The last index in the log, or the snapshot or compaction point when the log is empty; 0 for a new store.
    public func lastIndex() throws(StoreError) -> UInt64 {
        let tables = self.tables
        return try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            try Self.lastIndex(txn.handle, tables)
        }
    }

    /// The term of the entry at `index`: from the log, or from the snapshot or compaction point at exactly that
    /// index; 0 for index 0; nil when the store no longer (or not yet) knows it.
    public func term(at index: UInt64) throws(StoreError) -> UInt64? {
        let tables = self.tables
        return try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            try Self.term(txn.handle, tables, at: index)
        }
    }

    /// Drops log entries at or below `index` to bound the log's size, remembering the term at `index`.
    ///
    /// Compacting at or below the current first index does nothing; compacting past the last index is refused
    /// with `store_corrupt`. A restarted node rebuilds Raft from the snapshot plus the remaining entries, so
    /// compact only through an index that a stored snapshot (or the applied registry) already covers.
    public func compact(through index: UInt64) throws(StoreError) {
        let tables = self.tables
        try environment.write { (txn: inout WriteTransaction) throws(StoreError) in
            let base = try Self.logBase(txn.handle, tables)
            guard index > base.index else { return }
            let last = try Self.lastIndex(txn.handle, tables)
            guard index <= last else {
                throw .corrupt("refused to compact through \(index): the log ends at \(last)")
            }
            guard let term = try Self.term(txn.handle, tables, at: index) else {
                throw .corrupt("the log has no entry \(index) although it spans \(base.index + 1)...\(last)")
            }
            try Self.deleteLog(in: &txn, tables, through: index)
            try txn.put(tables.meta, MetaKey.compacted, StoreCodec.encode(point: (index, term)))
        }
    }

    // MARK: - Transaction-level helpers

    static func snapshotMetadata(_ txn: TransactionHandle, _ tables: Tables) throws(StoreError) -> SnapshotMetadata? {
        try txn.get(tables.meta, MetaKey.snapshot).map(StoreCodec.decodeSnapshotMetadata)
    }

    /// The boundary before the log: the later of the snapshot and the compaction point, or (0, 0).
    static func logBase(_ txn: TransactionHandle, _ tables: Tables) throws(StoreError) -> (index: UInt64, term: UInt64) {
        var base: (index: UInt64, term: UInt64) = (0, 0)
        if let snapshot = try snapshotMetadata(txn, tables) { base = (snapshot.index, snapshot.term) }
        if let compacted = try txn.get(tables.meta, MetaKey.compacted).map(StoreCodec.decodePoint),
            compacted.index > base.index
        {
            base = compacted
        }
        return base
    }

    static func lastIndex(_ txn: TransactionHandle, _ tables: Tables) throws(StoreError) -> UInt64 {
        let last = try txn.withCursor(tables.log) { (cursor: inout LMDBCursor) throws(StoreError) in try cursor.last() }
        if let last { return try StoreCodec.index(fromLogKey: last.key) }
        return try logBase(txn, tables).index
    }

    static func term(_ txn: TransactionHandle, _ tables: Tables, at index: UInt64) throws(StoreError) -> UInt64? {
        if let value = try txn.get(tables.log, StoreCodec.logKey(index)) {
            return try StoreCodec.decodeEntry(key: StoreCodec.logKey(index), value: value).term
        }
        if index == 0 { return 0 }
        if let snapshot = try snapshotMetadata(txn, tables), snapshot.index == index { return snapshot.term }
        if let compacted = try txn.get(tables.meta, MetaKey.compacted).map(StoreCodec.decodePoint),
            compacted.index == index
        {
            return compacted.term
        }
        return nil
    }

    static func entries(
        _ txn: TransactionHandle, _ tables: Tables, from: UInt64, through: UInt64
    ) throws(StoreError) -> [Entry] {
        var entries: [Entry] = []
        try txn.scan(tables.log, from: StoreCodec.logKey(from)) { (key, value) throws(StoreError) in
            let entry = try StoreCodec.decodeEntry(key: key, value: value)
            guard entry.index <= through else { return false }
            entries.append(entry)
            return true
        }
        return entries
    }

    /// Stores `snapshot` and trims the log around it (see `persist`).
    static func install(_ snapshot: Snapshot, in txn: inout WriteTransaction, _ tables: Tables) throws(StoreError) {
        let metadata = snapshot.metadata
        let base = try logBase(txn.handle, tables)
        guard metadata.index >= base.index else {
            throw .corrupt("refused to store snapshot at \(metadata.index): the log is already compacted through \(base.index)")
        }
        // The log (or the stored snapshot or compaction point) agrees with the snapshot's last entry, so by the
        // log matching property the entries after it agree with it too.
        let keepsSuffix = try term(txn.handle, tables, at: metadata.index) == metadata.term
        try deleteLog(in: &txn, tables, through: keepsSuffix ? metadata.index : .max)
        try txn.put(tables.meta, MetaKey.snapshot, StoreCodec.encode(snapshotMetadata: metadata))
        try txn.put(tables.snapshot, MetaKey.snapshotData, snapshot.data)
    }

    /// Deletes the log entries with index in `from...through`; the keys are collected first because an LMDB
    /// cursor must not walk over rows deleted under it.
    static func deleteLog(
        in txn: inout WriteTransaction, _ tables: Tables, from: UInt64 = 0, through: UInt64 = .max
    ) throws(StoreError) {
        var keys: [[UInt8]] = []
        try txn.scan(tables.log, from: StoreCodec.logKey(from)) { (key, _) throws(StoreError) in
            guard try StoreCodec.index(fromLogKey: key) <= through else { return false }
            keys.append(key)
            return true
        }
        for key in keys { try txn.delete(tables.log, key) }
    }
}
