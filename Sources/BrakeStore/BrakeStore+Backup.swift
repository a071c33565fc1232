import BrakeRaft

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Hot backup and restore of a node's store.
///
/// A backup is one file: LMDB's compacted copy (`MDB_CP_COMPACT`) of the environment in `<data-dir>/store`,
/// made within one read transaction, so it holds exactly the state after some commit: the log, hard state
/// and registry of one moment, with the applied index that matches the registry rows (they always commit
/// together). Entries in the copy's log past its applied index are applied when a node starts on it, as
/// after a crash.
///
/// Why a backup does not take the data directory's lock (`DataDirectoryLock`): that lock exists so that two
/// *writers*, two Raft nodes, never share one log. A backup only reads, through LMDB's own multi-process
/// reader table in `lock.mdb` (MVCC: the reader pins a snapshot, the node's writer goes on and never
/// waits for it). Taking the lock would make a hot backup impossible while the node runs, which is the
/// point of one; it also means a backup works on a stopped node, and a node may start while a backup runs.
/// The cost of the pinned snapshot: pages the node frees during a long copy are reused only after it ends,
/// so the store file may grow by what was written meanwhile. A copy killed midway leaves a reader slot
/// behind; the next backup or the node's next start clears it (`mdb_reader_check`).
extension BrakeStore {
    /// How many named databases a backup may open; the same figure the store opens with.
    static let backupMaxDatabases = 16

    /// Copies the store of the data directory `dataDirectory` into the new file `file`, while a node may be
    /// running on it, and returns what the copy holds.
    ///
    /// The copy is written to `<file>.partial`, fsynced, checked (it must open as a Brake store), then
    /// renamed to `file` and its directory fsynced, so `file` exists only once it is complete. An existing
    /// `file` is never overwritten. Run it as the user the node runs as: LMDB's reader table must be
    /// writable.
    public static func backup(dataDirectory: String, to file: String) throws(StoreError) -> StoreBackupSummary {
        let storePath = dataDirectory + "/store"
        var info = stat()
        guard stat(storePath + "/data.mdb", &info) == 0 else {
            throw StoreError.posix(.io, "no Brake store in \(dataDirectory) (looked for \(storePath)/data.mdb)", errno: errno)
        }
        guard lstat(file, &info) != 0 else {
            throw StoreError.io("\(file) exists; a backup never overwrites a file, choose a new name")
        }
        let partial = file + ".partial"
        let fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            let code = errno
            if code == EEXIST {
                throw StoreError.io("\(partial) exists: an earlier backup was interrupted or is running; remove it first")
            }
            throw StoreError.posix(.io, "create \(partial)", errno: code)
        }
        do throws(StoreError) {
            do {
                defer { closeDescriptor(fd) }
                let source = try LMDBReadOnlyEnvironment(.beside(directory: storePath), maxDatabases: backupMaxDatabases)
                defer { source.close() }
                try source.copy(to: fd, compact: true)
                guard fsync(fd) == 0 else { throw StoreError.posix(.io, "fsync \(partial)", errno: errno) }
            }
            let summary = try summarizeBackup(at: partial)
            guard rename(partial, file) == 0 else { throw StoreError.posix(.io, "rename \(partial) to \(file)", errno: errno) }
            try fsyncDirectory(containing: file)
            return summary
        } catch {
            unlink(partial)
            throw error
        }
    }

    /// Restores the backup `file` into `dataDirectory`, which must not exist yet or be empty, and returns
    /// what the backup holds.
    ///
    /// The file is checked before anything is written (it must open as a Brake store); the data directory
    /// is locked while the store is written, so no node starts on a half-restored directory; the store is
    /// then opened as a node would open it. A non-empty directory is refused: a restore never mixes a
    /// backup with a store, identity or socket already there.
    public static func restore(from file: String, into dataDirectory: String) throws(StoreError) -> StoreBackupSummary {
        let summary = try summarizeBackup(at: file)
        if let entries = try directoryEntries(dataDirectory), !entries.isEmpty {
            throw StoreError.io(
                "\(dataDirectory) is not empty (\(entries.sorted().prefix(5).joined(separator: ", "))); "
                    + "restore only into a new or empty data directory")
        }
        do {
            let lock = try DataDirectoryLock(directory: dataDirectory)
            defer { lock.release() }
            let storePath = dataDirectory + "/store"
            try DataDirectoryLock.makeDirectory(storePath)
            try copyFile(file, to: storePath + "/data.mdb")
            try fsyncDirectory(containing: storePath + "/data.mdb")
            try fsyncDirectory(containing: storePath)
        }
        // Opened as a node opens it: the lock, the tables, the Raft state.
        let store = try BrakeStore(directory: dataDirectory)
        defer { store.close() }
        _ = try store.loadRaftState()
        return summary
    }

    /// What the backup file `file` holds; fails with `store_corrupt` when it is not a Brake store.
    public static func summarizeBackup(at file: String) throws(StoreError) -> StoreBackupSummary {
        var info = stat()
        guard stat(file, &info) == 0 else { throw StoreError.posix(.io, "read backup \(file)", errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw StoreError.io("\(file) is not a regular file") }
        let environment = try LMDBReadOnlyEnvironment(.file(path: file), maxDatabases: backupMaxDatabases)
        defer { environment.close() }
        // The summary reads none of the history tables, and a backup made before they existed lacks
        // them: they stand in as `meta`, which nothing below reads through them.
        let meta = try environment.openDatabase(named: "meta")
        let tables = Tables(
            meta: meta,
            log: try environment.openDatabase(named: "log"),
            snapshot: try environment.openDatabase(named: "snapshot"),
            registry: try environment.openDatabase(named: "registry"),
            events: try environment.openDatabase(named: "events"),
            history: meta, leaves: meta, merkle: meta, pool: meta, checkpoints: meta, evidence: meta, checks: meta)
        let bytes = Int(info.st_size)
        return try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            let hardState = try txn.get(tables.meta, MetaKey.hardState).map(StoreCodec.decodeHardState) ?? HardState()
            return StoreBackupSummary(
                appliedIndex: try appliedIndex(txn.handle, tables),
                lastIndex: try lastIndex(txn.handle, tables),
                term: hardState.term,
                commitIndex: hardState.commit,
                logEntries: try txn.count(tables.log),
                registryRows: try txn.count(tables.registry),
                bytes: bytes)
        }
    }

    // MARK: - Files

    /// The names in `directory` (without `.` and `..`), or nil when it does not exist.
    static func directoryEntries(_ directory: String) throws(StoreError) -> [String]? {
        guard let handle = opendir(directory) else {
            if errno == ENOENT { return nil }
            throw StoreError.posix(.io, "read directory \(directory)", errno: errno)
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Copies `source` into the new file `target` (mode 0600) through `<target>.partial`, fsynced, then renamed.
    static func copyFile(_ source: String, to target: String) throws(StoreError) {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw StoreError.posix(.io, "open \(source)", errno: errno) }
        defer { closeDescriptor(input) }
        let partial = target + ".partial"
        let output = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard output >= 0 else { throw StoreError.posix(.io, "create \(partial)", errno: errno) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        do throws(StoreError) {
            defer { closeDescriptor(output) }
            while true {
                let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw StoreError.posix(.io, "read \(source)", errno: errno)
                }
                if count == 0 { break }
                var written = 0
                while written < count {
                    let step = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, count - written) }
                    if step < 0 {
                        if errno == EINTR { continue }
                        throw StoreError.posix(errno == ENOSPC ? .full : .io, "write \(partial)", errno: errno)
                    }
                    written += step
                }
            }
            guard fsync(output) == 0 else { throw StoreError.posix(.io, "fsync \(partial)", errno: errno) }
        } catch {
            unlink(partial)
            throw error
        }
        guard rename(partial, target) == 0 else {
            let code = errno
            unlink(partial)
            throw StoreError.posix(.io, "rename \(partial) to \(target)", errno: code)
        }
    }

    /// Makes a rename or creation in the directory holding `path` durable.
    static func fsyncDirectory(containing path: String) throws(StoreError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.posix(.io, "open directory \(directory)", errno: errno) }
        defer { closeDescriptor(fd) }
        guard fsync(fd) == 0 else { throw StoreError.posix(.io, "fsync directory \(directory)", errno: errno) }
    }
}

/// `close(2)`, under a name that the store's own `close()` does not shadow inside its extensions.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
