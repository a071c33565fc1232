import CLMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One LMDB environment (a directory holding `data.mdb` and `lock.mdb`) with closure-scoped transactions and
/// a map that grows on demand.
///
/// Why it is `@unchecked Sendable`: LMDB environments are thread-safe, and `MDB_NOTLS` ties read transactions
/// to their handle rather than to the thread, so Swift tasks that hop threads are fine. Transactions never
/// escape their closure, and closures are synchronous, so a write transaction begins and commits on the same
/// thread (LMDB's writer mutex requires that). The mutable state (`env`, the map size) is only changed while
/// holding `lock` exclusively, and read while holding it shared.
///
/// Commits are durable unless a write asks otherwise (`write(durable: false)`, for what a durable log can
/// rebuild): the environment never keeps `MDB_NOSYNC`, `MDB_NOMETASYNC` or `MDB_MAPASYNC` set, so when
/// `write` returns the data has been fsync'd.
package final class LMDBEnvironment: @unchecked Sendable {
    /// The directory holding the LMDB files.
    package let path: String
    /// The largest the map may grow to; a write that needs more fails with `store_full`.
    package let maxMapSize: Int

    private let lock = ResizeLock()
    private var env: OpaquePointer?

    /// Opens (creating if needed) the environment in the existing directory `path`.
    ///
    /// - Parameters:
    ///   - maxDatabases: how many named databases may ever be opened; fixed for the environment's life.
    ///   - initialMapSize: the map size to start with; an existing file larger than this keeps its size.
    ///   - maxMapSize: the ceiling for growth. Values are clamped so that `initialMapSize <= maxMapSize`.
    package init(path: String, maxDatabases: Int, initialMapSize: Int, maxMapSize: Int) throws(StoreError) {
        self.path = path
        let floor = 64 << 10
        self.maxMapSize = max(maxMapSize, floor)
        let pointer = try Self.openHandle(
            path: path, flags: MDB_NOTLS, maxDatabases: maxDatabases, mapSize: min(max(initialMapSize, floor), self.maxMapSize),
            context: "open LMDB environment in \(path)")
        // Reader slots of processes that crashed would otherwise pin old pages forever.
        var dead: Int32 = 0
        _ = mdb_reader_check(pointer, &dead)
        env = pointer
    }

    /// Creates an LMDB environment handle and opens it at `path` with `flags` and room for
    /// `maxDatabases` named tables; `mapSize` nil adopts the size recorded in the file. The handle is
    /// closed again when any step fails.
    static func openHandle(
        path: String, flags: Int32, maxDatabases: Int, mapSize: Int?, context: String
    ) throws(StoreError) -> OpaquePointer {
        var pointer: OpaquePointer?
        var status = mdb_env_create(&pointer)
        guard status == MDB_SUCCESS, let pointer else {
            throw StoreError(lmdb: status, context: "create LMDB environment for \(path)")
        }
        status = mdb_env_set_maxdbs(pointer, MDB_dbi(max(1, maxDatabases)))
        if status == MDB_SUCCESS, let mapSize {
            status = mdb_env_set_mapsize(pointer, mapSize)
        }
        if status == MDB_SUCCESS {
            status = mdb_env_open(pointer, path, UInt32(flags), 0o600)
        }
        guard status == MDB_SUCCESS else {
            mdb_env_close(pointer)
            throw StoreError(lmdb: status, context: context)
        }
        return pointer
    }

    deinit {
        close()
    }

    /// Closes the environment once every running transaction has finished. Later calls fail with
    /// `store_io`; closing twice is harmless.
    package func close() {
        lock.withExclusive {
            if let env {
                mdb_env_close(env)
                self.env = nil
            }
        }
    }

    /// Opens (creating if missing) the named database `name`. Call it at start-up, before other
    /// transactions run: LMDB requires a handle to be opened by one transaction before others use it.
    package func openDatabase(named name: String) throws(StoreError) -> LMDBDatabase {
        try write { (txn: inout WriteTransaction) throws(StoreError) -> LMDBDatabase in
            var dbi = MDB_dbi()
            let status = mdb_dbi_open(txn.handle.txn, name, UInt32(MDB_CREATE), &dbi)
            guard status == MDB_SUCCESS else { throw StoreError(lmdb: status, context: "open table \(name)") }
            return LMDBDatabase(dbi: dbi, name: name)
        }
    }

    /// Runs `body` in a read-only transaction, a consistent snapshot of the last commit.
    package func read<T>(_ body: (borrowing ReadTransaction) throws(StoreError) -> T) throws(StoreError) -> T {
        while true {
            let attempt = try lock.withShared { () throws(StoreError) -> T? in
                let env = try openEnv()
                var pointer: OpaquePointer?
                let status = mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &pointer)
                if status == MDB_MAP_RESIZED { return nil }
                guard status == MDB_SUCCESS, let pointer else {
                    throw StoreError(lmdb: status, context: "begin read transaction in \(path)")
                }
                defer { mdb_txn_abort(pointer) }
                let txn = ReadTransaction(handle: TransactionHandle(txn: pointer))
                return try body(txn)
            }
            if let attempt { return attempt }
            try adoptResizeByAnotherProcess()
        }
    }

    /// Runs `body` in the write transaction and commits it durably when `body` returns.
    ///
    /// If `body` throws, the transaction is aborted and nothing of it stays. If the map is full, the
    /// transaction is aborted, the map doubles (up to `maxMapSize`) and `body` runs again from scratch, so
    /// `body` must only act through the transaction. At the maximum, or when the disk is full, the write
    /// fails with `store_full` and the store holds exactly what it held before.
    ///
    /// With `durable: false` the commit is not fsynced (LMDB's `MDB_NOSYNC` for this transaction
    /// only): it is atomic and ordered like every commit, and a crash of the process loses nothing,
    /// but a crash of the machine may lose it together with every later commit, down to the last
    /// durable one, which syncs everything before it. Only one thread writes (the node's driver),
    /// so switching the flag around the transaction affects no other write.
    package func write<T>(durable: Bool = true, _ body: (inout WriteTransaction) throws(StoreError) -> T) throws(StoreError) -> T {
        while true {
            var observedMapSize = 0
            do {
                return try lock.withShared { () throws(StoreError) -> T in
                    let env = try openEnv()
                    observedMapSize = Self.info(env).me_mapsize
                    if !durable { mdb_env_set_flags(env, UInt32(MDB_NOSYNC), 1) }
                    defer { if !durable { mdb_env_set_flags(env, UInt32(MDB_NOSYNC), 0) } }
                    return try Self.runWrite(env, path: path, body)
                }
            } catch where error.status == MDB_MAP_FULL {
                try grow(from: observedMapSize, after: error)
            } catch where error.status == MDB_MAP_RESIZED {
                try adoptResizeByAnotherProcess()
            }
        }
    }

    private static func runWrite<T>(
        _ env: OpaquePointer, path: String, _ body: (inout WriteTransaction) throws(StoreError) -> T
    ) throws(StoreError) -> T {
        var pointer: OpaquePointer?
        let status = mdb_txn_begin(env, nil, 0, &pointer)
        guard status == MDB_SUCCESS, let pointer else {
            throw StoreError(lmdb: status, context: "begin write transaction in \(path)")
        }
        var txn = WriteTransaction(handle: TransactionHandle(txn: pointer))
        let value: T
        do {
            value = try body(&txn)
        } catch {
            mdb_txn_abort(pointer)
            if txn.hitMapFull && error.status != MDB_MAP_FULL {
                throw StoreError(lmdb: MDB_MAP_FULL, context: "write in \(path)")
            }
            throw error
        }
        if txn.hitMapFull {
            mdb_txn_abort(pointer)
            throw StoreError(lmdb: MDB_MAP_FULL, context: "write in \(path)")
        }
        // mdb_txn_commit frees the transaction whatever it returns.
        let commit = mdb_txn_commit(pointer)
        if commit == ENOSPC || commit == EDQUOT {
            // A failed commit never reaches the meta page, so the previous state is what stays on disk.
            let cause = StoreError(lmdb: commit, context: "commit in \(path)")
            throw StoreError(
                .full, "the disk holding \(path) is full; the write was rolled back and earlier data is intact "
                    + "(\(cause.message))", status: commit)
        }
        guard commit == MDB_SUCCESS else {
            throw StoreError(lmdb: commit, context: "commit in \(path)")
        }
        return value
    }

    /// Doubles the map (capped at `maxMapSize`) unless another writer already grew it past `observed`.
    private func grow(from observed: Int, after error: StoreError) throws(StoreError) {
        try lock.withExclusive { () throws(StoreError) in
            let env = try openEnv()
            let current = Self.info(env).me_mapsize
            if current > observed { return }  // someone else grew it meanwhile; just retry
            guard current < maxMapSize else {
                throw StoreError(
                    .full,
                    "the store in \(path) is full: the map reached its maximum size of \(maxMapSize) bytes "
                        + "(StoreOptions.maxMapSize); earlier data is intact. Raise the maximum or free space. "
                        + "(\(error.message))",
                    status: MDB_MAP_FULL)
            }
            let target = current > maxMapSize / 2 ? maxMapSize : current * 2
            let status = mdb_env_set_mapsize(env, target)
            guard status == MDB_SUCCESS else {
                throw StoreError(lmdb: status, context: "grow the map of \(path) to \(target) bytes")
            }
        }
    }

    /// Another process grew the map (it should not happen with the data-directory lock, but LMDB allows
    /// it): adopt the new size, with no transaction active.
    private func adoptResizeByAnotherProcess() throws(StoreError) {
        try lock.withExclusive { () throws(StoreError) in
            let status = mdb_env_set_mapsize(try openEnv(), 0)
            guard status == MDB_SUCCESS else { throw StoreError(lmdb: status, context: "adopt map size of \(path)") }
        }
    }

    /// The current map size, the bytes of pages in use (the file's high-water mark) and the page size.
    package func usage() throws(StoreError) -> (mapSize: Int, usedBytes: Int, pageSize: Int) {
        try lock.withShared { () throws(StoreError) in
            let env = try openEnv()
            let info = Self.info(env)
            var stat = MDB_stat()
            let status = mdb_env_stat(env, &stat)
            guard status == MDB_SUCCESS else { throw StoreError(lmdb: status, context: "stat of \(path)") }
            let pageSize = Int(stat.ms_psize)
            return (info.me_mapsize, (info.me_last_pgno + 1) * pageSize, pageSize)
        }
    }

    /// The longest key LMDB accepts in this build (511 bytes by default).
    package func maxKeySize() throws(StoreError) -> Int {
        try lock.withShared { () throws(StoreError) in Int(mdb_env_get_maxkeysize(try openEnv())) }
    }

    private func openEnv() throws(StoreError) -> OpaquePointer {
        guard let env else { throw StoreError.io("the store in \(path) is closed") }
        return env
    }

    private static func info(_ env: OpaquePointer) -> MDB_envinfo {
        var info = MDB_envinfo()
        _ = mdb_env_info(env, &info)  // cannot fail on an open environment
        return info
    }
}
