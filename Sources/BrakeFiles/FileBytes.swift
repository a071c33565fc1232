import BrakeCore
import Foundation

/// Whole-file reads and exclusive creates, with errors that name the file.
///
/// Files that hold secrets or state are created durably: the file is fsynced before it is closed and
/// its directory after the new name is in it, so a crash right after never leaves a name without its
/// bytes or bytes without a name. Private files are read through one descriptor (`readFile`), so a
/// check of their mode and owner applies to the file actually read, never to one swapped in between.
public enum FileBytes {
    /// The largest file `readFile` reads: key files, identities and charters are far smaller, and a
    /// bound keeps a mistaken path (a log, a device) from being read whole.
    public static let maxReadBytes = 16 << 20

    /// The bytes of a file (any file the user names: a charter, an envelope, a node entry).
    public static func read(_ path: String) throws(FileError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(code: "file_unreadable", message: "cannot read \(path)")
        }
        return Array(data)
    }

    /// A file read through one descriptor, with what `fstat` said of that descriptor.
    public struct OpenedFile: Sendable {
        /// The path it was opened by, for messages.
        public let path: String
        /// Its bytes.
        public let bytes: [UInt8]
        /// Its permission bits (`st_mode & 0o7777`).
        public let mode: UInt32
        /// Its owner's user id.
        public let owner: UInt32

        /// Refuses a private file (a key) that another user owns or that group or others may access
        /// (`insecure_key_file`): either could have read or replaced the secret.
        public func checkPrivate() throws(FileError) {
            let me = geteuid()
            guard owner == me else {
                throw FileError(
                    code: BrakeError.Code.insecureKeyFile.rawValue,
                    message: "\(path) is owned by uid \(owner), not by this user (uid \(me)); a private key must be its user's own")
            }
            do {
                try KeyFile.checkPrivateFileMode(mode & 0o777, path: path)
            } catch {
                throw FileError(code: error.code.rawValue, message: error.message)
            }
        }
    }

    /// Opens `path` once, refusing a symbolic link as its last component (`O_NOFOLLOW`:
    /// `insecure_key_file`) and anything but a regular file (`file_unreadable`, without blocking on a
    /// FIFO), then reads it whole through that descriptor, at most `maxReadBytes`.
    public static func readFile(_ path: String) throws(FileError) -> OpenedFile {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP {
                throw FileError(
                    code: BrakeError.Code.insecureKeyFile.rawValue,
                    message: "\(path) is a symbolic link; a key file is read only from the path given, never through a link")
            }
            throw FileError(code: "file_unreadable", message: "cannot read \(path): \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw FileError(code: "file_unreadable", message: "cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw FileError(code: "file_unreadable", message: "\(path) is not a regular file")
        }
        guard info.st_size <= maxReadBytes else {
            throw FileError(code: "file_unreadable", message: "\(path) is larger than \(maxReadBytes) bytes")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                throw FileError(code: "file_unreadable", message: "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes += buffer[..<count]
            guard bytes.count <= maxReadBytes else {
                throw FileError(code: "file_unreadable", message: "\(path) is larger than \(maxReadBytes) bytes")
            }
        }
        return OpenedFile(path: path, bytes: bytes, mode: UInt32(info.st_mode) & 0o7777, owner: UInt32(info.st_uid))
    }

    /// Creates a new file with `mode` and writes it durably (the file, then its directory, fsynced);
    /// an existing file or link is never overwritten or followed.
    public static func create(_ path: String, bytes: [UInt8], mode: mode_t) throws(FileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw FileError(code: "file_unwritable", message: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                throw FileError(code: "file_unwritable", message: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        guard fsync(fd) == 0 else {
            throw FileError(code: "file_unwritable", message: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        try syncDirectory(containing: path)
    }

    /// Replaces a file's content atomically (write a temporary file, then rename, then fsync the
    /// directory), keeping `mode`.
    public static func replace(_ path: String, bytes: [UInt8], mode: mode_t = 0o644) throws(FileError) {
        let temporary = path + ".tmp-\(getpid())"
        unlink(temporary)
        try create(temporary, bytes: bytes, mode: mode)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw FileError(code: "file_unwritable", message: "cannot replace \(path): \(String(cString: strerror(errno)))")
        }
        try syncDirectory(containing: path)
    }

    /// Creates `directory` with `mode` (0700 by default), and its missing parents likewise, each new one
    /// fsynced into its parent; an existing directory is used as it is, anything else there is refused.
    public static func makeDirectory(_ directory: String, mode: mode_t = 0o700) throws(FileError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw FileError(code: "file_unwritable", message: "\(directory) exists and is not a directory")
            }
            return
        }
        let parent = (directory as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != directory {
            try makeDirectory(parent, mode: mode)
        }
        guard mkdir(directory, mode) == 0 || errno == EEXIST else {
            throw FileError(code: "file_unwritable", message: "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        // The umask may only narrow the mode; set it exactly.
        guard chmod(directory, mode) == 0 else {
            throw FileError(code: "file_unwritable", message: "cannot chmod \(directory): \(String(cString: strerror(errno)))")
        }
        try syncDirectory(containing: directory)
    }

    /// Fsyncs the directory that holds `path`, so that a name just created or renamed there survives a
    /// crash.
    public static func syncDirectory(containing path: String) throws(FileError) {
        var directory = (path as NSString).deletingLastPathComponent
        if directory.isEmpty { directory = "." }
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw FileError(code: "file_unwritable", message: "cannot open \(directory): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        guard fsync(fd) == 0 else {
            throw FileError(code: "file_unwritable", message: "cannot sync \(directory): \(String(cString: strerror(errno)))")
        }
    }
}
