import CLMDB

/// The operations every transaction can read with, shared by `ReadTransaction` and `WriteTransaction`.
struct TransactionHandle {
    let txn: OpaquePointer

    func get(_ database: LMDBDatabase, _ key: [UInt8]) throws(StoreError) -> [UInt8]? {
        var data = MDB_val()
        let txn = self.txn
        let status = LMDBValue.with(key) { keyValue in mdb_get(txn, database.dbi, &keyValue, &data) }
        switch status {
        case MDB_SUCCESS: return LMDBValue.bytes(data)
        case MDB_NOTFOUND: return nil
        default: throw StoreError(lmdb: status, context: "get from \(database)")
        }
    }

    func count(_ database: LMDBDatabase) throws(StoreError) -> Int {
        var stat = MDB_stat()
        let status = mdb_stat(txn, database.dbi, &stat)
        guard status == MDB_SUCCESS else { throw StoreError(lmdb: status, context: "stat of \(database)") }
        return stat.ms_entries
    }

    func withCursor<T>(
        _ database: LMDBDatabase, _ body: (inout LMDBCursor) throws(StoreError) -> T
    ) throws(StoreError) -> T {
        var pointer: OpaquePointer?
        let status = mdb_cursor_open(txn, database.dbi, &pointer)
        guard status == MDB_SUCCESS, let pointer else {
            throw StoreError(lmdb: status, context: "open cursor on \(database)")
        }
        defer { mdb_cursor_close(pointer) }
        var cursor = LMDBCursor(cursor: pointer, database: database)
        return try body(&cursor)
    }

    func scan(
        _ database: LMDBDatabase, from start: [UInt8],
        _ body: (_ key: [UInt8], _ value: [UInt8]) throws(StoreError) -> Bool
    ) throws(StoreError) {
        try withCursor(database) { (cursor: inout LMDBCursor) throws(StoreError) in
            var row = try cursor.seek(atOrAfter: start)
            while let current = row, try body(current.key, current.value) {
                row = try cursor.next()
            }
        }
    }
}

/// A read-only snapshot of the store: it sees every transaction committed before it began and nothing after.
///
/// It exists only inside `LMDBEnvironment.read`, which ends it; values it returns are copies, safe to keep.
package struct ReadTransaction: ~Copyable {
    let handle: TransactionHandle

    /// The value stored under `key`, or nil.
    package func get(_ database: LMDBDatabase, _ key: [UInt8]) throws(StoreError) -> [UInt8]? {
        try handle.get(database, key)
    }

    /// How many rows `database` holds (LMDB keeps this count, so it costs nothing).
    package func count(_ database: LMDBDatabase) throws(StoreError) -> Int {
        try handle.count(database)
    }

    /// Runs `body` with a cursor on `database`, closed when `body` returns.
    package func withCursor<T>(
        _ database: LMDBDatabase, _ body: (inout LMDBCursor) throws(StoreError) -> T
    ) throws(StoreError) -> T {
        try handle.withCursor(database, body)
    }

    /// Visits rows in key order starting at the first key `>= start`, while `body` returns true.
    package func scan(
        _ database: LMDBDatabase, from start: [UInt8] = [],
        _ body: (_ key: [UInt8], _ value: [UInt8]) throws(StoreError) -> Bool
    ) throws(StoreError) {
        try handle.scan(database, from: start, body)
    }
}

/// The one write transaction of the environment: reads see its own uncommitted writes.
///
/// It exists only inside `LMDBEnvironment.write`, which commits it when the closure returns and aborts it
/// when the closure throws, so a failed write leaves nothing behind.
package struct WriteTransaction: ~Copyable {
    let handle: TransactionHandle
    /// Set when any operation hit `MDB_MAP_FULL`. LMDB marks the transaction failed at that point, so the
    /// environment must abort and grow even if the closure caught the error and carried on.
    var hitMapFull = false

    /// The value stored under `key`, or nil.
    package func get(_ database: LMDBDatabase, _ key: [UInt8]) throws(StoreError) -> [UInt8]? {
        try handle.get(database, key)
    }

    /// How many rows `database` holds.
    package func count(_ database: LMDBDatabase) throws(StoreError) -> Int {
        try handle.count(database)
    }

    /// Runs `body` with a cursor on `database`, closed when `body` returns. Do not write to the database
    /// while iterating; collect keys first.
    package func withCursor<T>(
        _ database: LMDBDatabase, _ body: (inout LMDBCursor) throws(StoreError) -> T
    ) throws(StoreError) -> T {
        try handle.withCursor(database, body)
    }

    /// Visits rows in key order starting at the first key `>= start`, while `body` returns true.
    package func scan(
        _ database: LMDBDatabase, from start: [UInt8] = [],
        _ body: (_ key: [UInt8], _ value: [UInt8]) throws(StoreError) -> Bool
    ) throws(StoreError) {
        try handle.scan(database, from: start, body)
    }

    /// Stores `value` under `key`, replacing any previous value.
    package mutating func put(_ database: LMDBDatabase, _ key: [UInt8], _ value: [UInt8]) throws(StoreError) {
        let txn = handle.txn
        let status = LMDBValue.with(key) { keyValue in
            LMDBValue.with(value) { dataValue in mdb_put(txn, database.dbi, &keyValue, &dataValue, 0) }
        }
        try check(status, "put into \(database)")
    }

    /// Deletes the row under `key`; returns whether there was one.
    @discardableResult
    package mutating func delete(_ database: LMDBDatabase, _ key: [UInt8]) throws(StoreError) -> Bool {
        let txn = handle.txn
        let status = LMDBValue.with(key) { keyValue in mdb_del(txn, database.dbi, &keyValue, nil) }
        if status == MDB_NOTFOUND { return false }
        try check(status, "delete from \(database)")
        return true
    }

    /// Deletes every row of `database`, keeping the database itself.
    package mutating func clear(_ database: LMDBDatabase) throws(StoreError) {
        try check(mdb_drop(handle.txn, database.dbi, 0), "clear \(database)")
    }

    private mutating func check(_ status: Int32, _ context: String) throws(StoreError) {
        guard status != MDB_SUCCESS else { return }
        if status == MDB_MAP_FULL { hitMapFull = true }
        throw StoreError(lmdb: status, context: context)
    }
}
