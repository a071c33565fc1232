import BrakeRaft
import Synchronization

/// A node's durable state in one LMDB environment: the Raft hard state, log and snapshot, and the registry
/// tables with the index of the last entry applied to them.
///
/// Layout: `<directory>/LOCK` (the one-process lock) and `<directory>/store/` (LMDB's `data.mdb` and
/// `lock.mdb`), with the tables `meta` (hard state, applied index, snapshot metadata, compaction point),
/// `log` (entries by big-endian index), `snapshot` (the snapshot's data), `registry` (rows), `events`
/// (each applied entry's registry events, kept across compaction), and the permanent history:
/// `history` (every applied entry by index), `leaves` (leaf position to entry index) and `merkle` (the
/// Merkle tree's complete nodes), which Raft's compaction never touches (`BrakeStore+History.swift`),
/// `pool` (the pending pool: declarations not yet committed, `BrakeStore+Pool.swift`), and
/// `checkpoints` and `evidence` (`BrakeStore+Checkpoints.swift`), and `checks`, the pauses not lifted by
/// scope, which `check` reads while a restarted node loads its registry (`BrakeStore+CheckIndex.swift`).
/// The byte layouts are documented on `StoreCodec`.
///
/// Every method is one LMDB transaction, and every method that writes returns only after LMDB's commit has
/// fsync'd, so the node may send messages or answer clients that depend on what it just persisted.
///
/// Why it is `@unchecked Sendable`: its stored properties are immutable references to thread-safe objects.
/// LMDB environments are safe to share across threads, and `MDB_NOTLS` lets a read transaction live on any
/// thread; writes are serialized by LMDB's writer lock, and the map resize lock keeps growth and close away
/// from live transactions (see `LMDBEnvironment`). The methods block the calling thread for disk I/O; call them
/// from the node's serial driver, not from a latency-sensitive event loop.
public final class BrakeStore: @unchecked Sendable {
    /// Tables, opened once at start.
    struct Tables: Sendable {
        let meta: LMDBDatabase
        let log: LMDBDatabase
        let snapshot: LMDBDatabase
        let registry: LMDBDatabase
        let events: LMDBDatabase
        let history: LMDBDatabase
        let leaves: LMDBDatabase
        let merkle: LMDBDatabase
        let pool: LMDBDatabase
        let checkpoints: LMDBDatabase
        let evidence: LMDBDatabase
        /// The check index: pauses not lifted by scope (`BrakeStore+CheckIndex.swift`).
        let checks: LMDBDatabase
    }

    /// Keys of the `meta` table.
    enum MetaKey {
        static let hardState = Array("hard_state".utf8)
        static let appliedIndex = Array("applied_index".utf8)
        static let snapshot = Array("snapshot".utf8)
        static let compacted = Array("compacted".utf8)
        static let snapshotData = Array("data".utf8)
        static let eventsFrom = Array("events_from".utf8)
        static let historyFrom = Array("history_from".utf8)
        static let treeSize = Array("tree_size".utf8)
        static let checkIndex = Array("check_index".utf8)
    }

    /// The data directory the store was opened in.
    public let directory: String
    /// The longest registry key LMDB accepts (511 bytes with the default build of liblmdb).
    public let maxKeySize: Int

    let environment: LMDBEnvironment
    let tables: Tables
    private let directoryLock: DataDirectoryLock
    /// Term and vote as last made durable (nil until loaded or written): a persist that changes
    /// neither, and only the commit index besides, needs no fsync.
    let durableTermVote = Mutex<(term: UInt64, vote: String?)?>(nil)

    /// Opens the store in `directory`, creating it (mode 0700) if needed, and takes the directory's lock.
    ///
    /// Fails with `data_dir_locked` if another process or another open `BrakeStore` holds the directory,
    /// `store_corrupt` if the LMDB files are not a valid environment, `store_io` otherwise.
    public init(directory: String, options: StoreOptions = .init()) throws(StoreError) {
        self.directory = directory
        let lock = try DataDirectoryLock(directory: directory)
        let storePath = directory + "/store"
        try DataDirectoryLock.makeDirectory(storePath)
        let environment = try LMDBEnvironment(
            path: storePath,
            maxDatabases: 16,  // eight today; room for the pending pool, checkpoints and evidence
            initialMapSize: options.initialMapSize,
            maxMapSize: options.maxMapSize)
        self.tables = Tables(
            meta: try environment.openDatabase(named: "meta"),
            log: try environment.openDatabase(named: "log"),
            snapshot: try environment.openDatabase(named: "snapshot"),
            registry: try environment.openDatabase(named: "registry"),
            events: try environment.openDatabase(named: "events"),
            history: try environment.openDatabase(named: "history"),
            leaves: try environment.openDatabase(named: "leaves"),
            merkle: try environment.openDatabase(named: "merkle"),
            pool: try environment.openDatabase(named: "pool"),
            checkpoints: try environment.openDatabase(named: "checkpoints"),
            evidence: try environment.openDatabase(named: "evidence"),
            checks: try environment.openDatabase(named: "checks"))
        self.maxKeySize = try environment.maxKeySize()
        self.environment = environment
        self.directoryLock = lock
        try buildCheckIndexIfMissing()
    }

    deinit {
        close()
    }

    /// Closes the LMDB environment (after running calls finish) and releases the directory lock, so another
    /// store may open the directory. Later calls fail with `store_io`; closing twice is harmless.
    public func close() {
        environment.close()
        directoryLock.release()
    }

    /// Sizes of the store for `/metrics`: map size and maximum, bytes in use, log entries and registry rows.
    public func stats() throws(StoreError) -> StoreStats {
        let usage = try environment.usage()
        let tables = self.tables
        let counts = try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            (log: try txn.count(tables.log), registry: try txn.count(tables.registry))
        }
        return StoreStats(
            mapSize: usage.mapSize, maxMapSize: environment.maxMapSize, usedBytes: usage.usedBytes,
            logEntryCount: counts.log, registryRowCount: counts.registry)
    }
}
