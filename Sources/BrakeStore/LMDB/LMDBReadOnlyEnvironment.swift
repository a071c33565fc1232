import CLMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An LMDB environment opened read-only, for taking and checking backups: beside a running node, or on a
/// backup file that nothing else uses.
///
/// Beside a node (`.beside`), it registers as one more reader in the environment's `lock.mdb`, LMDB's own
/// multi-process protocol: its read transactions pin a snapshot of the last commit while the node's writer
/// goes on, so it needs neither the data directory's lock nor any help from the node. On a single file
/// (`.file`) it takes no locks at all (`MDB_NOLOCK`), since it is the only user of that file.
///
/// Not `Sendable`: one command uses it on one thread and closes it.
final class LMDBReadOnlyEnvironment {
    /// How the environment is laid out and shared.
    enum Layout {
        /// A directory holding `data.mdb` and `lock.mdb`, which a running node may be writing.
        case beside(directory: String)
        /// One data file (a backup), with no lock file and no other user.
        case file(path: String)
    }

    let path: String
    private var env: OpaquePointer?

    /// Opens the environment read-only. Fails with `store_io` if it does not exist or cannot be read, and
    /// `store_corrupt` if the file is not an LMDB environment.
    init(_ layout: Layout, maxDatabases: Int) throws(StoreError) {
        let flags: Int32
        switch layout {
        case .beside(let directory):
            path = directory
            flags = MDB_RDONLY | MDB_NOTLS
        case .file(let file):
            path = file
            flags = MDB_RDONLY | MDB_NOTLS | MDB_NOSUBDIR | MDB_NOLOCK
        }
        // Map size nil: LMDB adopts the size recorded in the file, whatever the writer grew it to.
        let pointer = try LMDBEnvironment.openHandle(
            path: path, flags: flags, maxDatabases: maxDatabases, mapSize: nil,
            context: "open LMDB environment in \(path) read-only")
        if case .beside = layout {
            // Reader slots of earlier copies that were killed would pin the writer's old pages until someone
            // clears them; this reader is as good a someone as the node's next start.
            var dead: Int32 = 0
            _ = mdb_reader_check(pointer, &dead)
        }
        env = pointer
    }

    deinit {
        close()
    }

    func close() {
        if let env {
            mdb_env_close(env)
            self.env = nil
        }
    }

    /// Writes a consistent copy of the environment to the open file `fd`: LMDB copies within one read
    /// transaction, so the copy is exactly the state after some commit, whatever the writer does meanwhile.
    /// With `compact`, free pages are left out and pages renumbered (`MDB_CP_COMPACT`).
    ///
    /// If the writer grew the map after this environment opened, LMDB refuses the transaction
    /// (`MDB_MAP_RESIZED`); the map size is adopted and the copy starts over on an emptied file.
    func copy(to fd: Int32, compact: Bool) throws(StoreError) {
        let env = try openEnv()
        while true {
            let status = mdb_env_copyfd2(env, fd, compact ? UInt32(MDB_CP_COMPACT) : 0)
            if status == MDB_SUCCESS { return }
            guard status == MDB_MAP_RESIZED else {
                throw StoreError(lmdb: status, context: "copy the LMDB environment in \(path)")
            }
            guard ftruncate(fd, 0) == 0, lseek(fd, 0, SEEK_SET) == 0 else {
                throw StoreError.posix(.io, "rewind the copy of \(path)", errno: errno)
            }
            let adopted = mdb_env_set_mapsize(env, 0)
            guard adopted == MDB_SUCCESS else {
                throw StoreError(lmdb: adopted, context: "adopt the grown map size of \(path)")
            }
        }
    }

    /// Opens the existing named database `name`, or fails with `store_corrupt` when the environment has no such
    /// table (it was not written by Brake). The read transaction that opens it is committed, not aborted:
    /// LMDB closes a handle opened in a transaction that aborts.
    func openDatabase(named name: String) throws(StoreError) -> LMDBDatabase {
        let env = try openEnv()
        var pointer: OpaquePointer?
        var status = mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &pointer)
        if status == MDB_MAP_RESIZED {
            status = mdb_env_set_mapsize(env, 0)
            if status == MDB_SUCCESS { status = mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &pointer) }
        }
        guard status == MDB_SUCCESS, let pointer else {
            throw StoreError(lmdb: status, context: "begin read transaction in \(path)")
        }
        var dbi = MDB_dbi()
        let opened = mdb_dbi_open(pointer, name, 0, &dbi)
        guard opened == MDB_SUCCESS else {
            mdb_txn_abort(pointer)
            if opened == MDB_NOTFOUND { throw StoreError.corrupt("\(path) has no table \(name): it is not a Brake store") }
            throw StoreError(lmdb: opened, context: "open table \(name) in \(path)")
        }
        let committed = mdb_txn_commit(pointer)
        guard committed == MDB_SUCCESS else { throw StoreError(lmdb: committed, context: "open table \(name) in \(path)") }
        return LMDBDatabase(dbi: dbi, name: name)
    }

    /// Runs `body` in a read-only transaction: a consistent snapshot of the last commit.
    func read<T>(_ body: (borrowing ReadTransaction) throws(StoreError) -> T) throws(StoreError) -> T {
        let env = try openEnv()
        while true {
            var pointer: OpaquePointer?
            let status = mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &pointer)
            if status == MDB_MAP_RESIZED {
                let adopted = mdb_env_set_mapsize(env, 0)
                guard adopted == MDB_SUCCESS else { throw StoreError(lmdb: adopted, context: "adopt map size of \(path)") }
                continue
            }
            guard status == MDB_SUCCESS, let pointer else {
                throw StoreError(lmdb: status, context: "begin read transaction in \(path)")
            }
            defer { mdb_txn_abort(pointer) }
            return try body(ReadTransaction(handle: TransactionHandle(txn: pointer)))
        }
    }

    private func openEnv() throws(StoreError) -> OpaquePointer {
        guard let env else { throw StoreError.io("the environment in \(path) is closed") }
        return env
    }
}
