import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Guarantees one Brake process per data directory: an exclusive, non-blocking `flock` on `<dir>/LOCK`.
///
/// Two nodes writing one LMDB environment would each believe its Raft log is its own, which breaks Raft's
/// safety; LMDB's own lock file allows many processes, so Brake adds this one. `flock` locks belong to an open
/// file description, so a second open in the same process conflicts too. The kernel drops the lock when the
/// process dies, so a crash never leaves the directory locked. The file holds the holder's pid, for operators.
package final class DataDirectoryLock: Sendable {
    /// The data directory this lock guards.
    package let directory: String
    private let descriptor: Mutex<Int32?>

    /// Creates `directory` (mode 0700, with missing parents) if needed and takes the lock, or fails with
    /// `data_dir_locked` when another holder has it.
    package convenience init(directory: String) throws(StoreError) {
        try Self.makeDirectory(directory)
        try self.init(lockFile: directory + "/LOCK", guarding: "data directory \(directory)", directory: directory)
    }

    /// Takes an exclusive, non-blocking `flock` on `path` (created 0600 if missing), which guards
    /// `what` (named in the error), or fails with `data_dir_locked` naming the holder's pid. The same
    /// mechanism guards other paths one process must own, such as the API socket.
    package init(lockFile path: String, guarding what: String, directory: String) throws(StoreError) {
        self.directory = directory
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw StoreError.posix(.io, "open lock file \(path)", errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = Self.readHolder(fd)
            close(fd)
            if code == EWOULDBLOCK {
                throw StoreError(
                    .locked,
                    "\(what) is in use by another Brake process\(holder.map { " (pid \($0))" } ?? "")"
                        + "; \(path) is locked. Stop the other node or choose another path.",
                    status: code)
            }
            throw StoreError.posix(.io, "lock \(path)", errno: code)
        }
        Self.writeHolder(fd)
        descriptor = Mutex(fd)
    }

    deinit {
        release()
    }

    /// Releases the lock; later calls do nothing.
    package func release() {
        descriptor.withLock { fd in
            if let open = fd {
                flock(open, LOCK_UN)
                close(open)
                fd = nil
            }
        }
    }

    /// Creates `directory` and any missing parents with mode 0700; fails if it exists as something else.
    static func makeDirectory(_ directory: String) throws(StoreError) {
        guard !directory.isEmpty else { throw StoreError.invalid("the data directory path is empty") }
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw StoreError.posix(.io, "create directory \(prefix)", errno: errno)
            }
            prefix += "/"
        }
        var info = stat()
        guard stat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw StoreError.io("\(directory) exists but is not a directory")
        }
    }

    private static func writeHolder(_ fd: Int32) {
        // Diagnostics only: a failure here must not fail the open.
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    private static func readHolder(_ fd: Int32) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        return text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) }
    }
}

