import CLMDB

/// A handle to one named LMDB database (a table) inside an `LMDBEnvironment`.
///
/// Handles are opened once, when the environment opens, and stay valid for its whole life; they are plain
/// values that any transaction of the same environment accepts. Keys sort bytewise (memcmp order), which is
/// why the log uses big-endian indexes.
package struct LMDBDatabase: Sendable, Hashable, CustomStringConvertible {
    /// LMDB's handle number.
    let dbi: MDB_dbi
    /// The table name, for error messages.
    package let name: String

    /// The table name.
    package var description: String { name }
}

/// Byte-buffer plumbing between Swift arrays and `MDB_val`.
enum LMDBValue {
    /// Calls `body` with an `MDB_val` that points at `bytes`. LMDB never writes through it for get, put or
    /// del (we never pass `MDB_RESERVE`), so the mutable cast is sound. An empty buffer still gets a valid
    /// pointer: LMDB copies zero bytes from it.
    static func with<R>(_ bytes: [UInt8], _ body: (inout MDB_val) -> R) -> R {
        bytes.withUnsafeBytes { raw -> R in
            if let base = raw.baseAddress, raw.count > 0 {
                var value = MDB_val(mv_size: raw.count, mv_data: UnsafeMutableRawPointer(mutating: base))
                return body(&value)
            }
            var placeholder: UInt8 = 0
            return withUnsafeMutablePointer(to: &placeholder) { pointer -> R in
                var value = MDB_val(mv_size: 0, mv_data: UnsafeMutableRawPointer(pointer))
                return body(&value)
            }
        }
    }

    /// Copies the bytes an `MDB_val` points at. LMDB's pointers are only valid until the transaction ends,
    /// so everything that leaves a transaction is copied.
    static func bytes(_ value: MDB_val) -> [UInt8] {
        guard value.mv_size > 0, let data = value.mv_data else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: value.mv_size))
    }
}
