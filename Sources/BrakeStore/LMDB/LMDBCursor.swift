import CLMDB

/// A read cursor over one database, positioned by key; it yields copies of the key and value bytes.
///
/// A cursor only exists inside `withCursor` of a transaction and is closed when that closure returns, so it
/// can never outlive its transaction (LMDB requires read cursors to be closed explicitly).
package struct LMDBCursor: ~Copyable {
    /// One key-value pair, copied out of the map.
    package typealias Row = (key: [UInt8], value: [UInt8])

    let cursor: OpaquePointer
    let database: LMDBDatabase

    /// Moves to the first row in key order; nil when the database is empty.
    package mutating func first() throws(StoreError) -> Row? {
        try get(MDB_FIRST, context: "first")
    }

    /// Moves to the last row in key order; nil when the database is empty.
    package mutating func last() throws(StoreError) -> Row? {
        try get(MDB_LAST, context: "last")
    }

    /// Moves to the first row whose key is at or after `key`, the start of a range scan.
    package mutating func seek(atOrAfter key: [UInt8]) throws(StoreError) -> Row? {
        guard !key.isEmpty else { return try first() }
        var data = MDB_val()
        let status = LMDBValue.with(key) { keyValue -> (Int32, Row?) in
            let status = mdb_cursor_get(cursor, &keyValue, &data, MDB_SET_RANGE)
            guard status == MDB_SUCCESS else { return (status, nil) }
            // MDB_SET_RANGE rewrites keyValue to point at the found key inside the map.
            return (status, (LMDBValue.bytes(keyValue), LMDBValue.bytes(data)))
        }
        return try Self.row(status, database: database, context: "seek")
    }

    /// Moves to the next row; nil past the end.
    package mutating func next() throws(StoreError) -> Row? {
        try get(MDB_NEXT, context: "next")
    }

    /// Moves to the previous row; nil before the start.
    package mutating func previous() throws(StoreError) -> Row? {
        try get(MDB_PREV, context: "previous")
    }

    private func get(_ operation: MDB_cursor_op, context: String) throws(StoreError) -> Row? {
        var key = MDB_val()
        var data = MDB_val()
        let status = mdb_cursor_get(cursor, &key, &data, operation)
        let result: (Int32, Row?) =
            status == MDB_SUCCESS ? (status, (LMDBValue.bytes(key), LMDBValue.bytes(data))) : (status, nil)
        return try Self.row(result, database: database, context: context)
    }

    private static func row(
        _ result: (Int32, Row?), database: LMDBDatabase, context: String
    ) throws(StoreError) -> Row? {
        switch result.0 {
        case MDB_SUCCESS: return result.1
        case MDB_NOTFOUND: return nil
        default: throw StoreError(lmdb: result.0, context: "cursor \(context) in \(database)")
        }
    }
}
