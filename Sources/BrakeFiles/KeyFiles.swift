import BrakeCore
import Foundation

/// An error reading or writing a file of the federation: a key file or a charter.
public struct FileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code: `file_unreadable`, `file_unwritable`, the BrakeCore code of a bad content, or
    /// for node identities `identity_exists` and `invalid_node_identity` (see `NodeIdentity`).
    public let code: String
    /// A human message naming the file.
    public let message: String

    /// Creates a file error.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

/// Reading and writing key files on disk. Private key files are created with mode 0600 and refused
/// when group or others may read them; the format is `BrakeCore.KeyFile`'s.
public enum KeyFiles {
    /// Writes a key file; private files are created 0600 (never briefly wider) and never overwrite.
    public static func write(_ file: KeyFile, to path: String) throws(FileError) {
        try FileBytes.create(path, bytes: file.encoded() + Array("\n".utf8), mode: file.seed != nil ? 0o600 : 0o644)
    }

    /// Reads a key file; a private key file readable by group or others is refused.
    public static func read(_ path: String) throws(FileError) -> KeyFile {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw FileError(code: "file_unreadable", message: "cannot read key file \(path): \(String(cString: strerror(errno)))")
        }
        let bytes = try FileBytes.read(path)
        do {
            let file = try KeyFile(decoding: bytes)
            if file.seed != nil {
                try KeyFile.checkPrivateFileMode(UInt32(info.st_mode) & 0o777, path: path)
            }
            return file
        } catch {
            throw FileError(code: error.code.rawValue, message: "\(path): \(error.message)")
        }
    }

    /// Reads a private key file and returns its signing key and party.
    public static func signingKey(at path: String) throws(FileError) -> (party: String?, key: SigningKey) {
        let file = try read(path)
        do {
            return (file.party, try file.signingKey())
        } catch {
            throw FileError(code: error.code.rawValue, message: "\(path): \(error.message)")
        }
    }
}

/// Whole-file reads and exclusive creates, with errors that name the file.
public enum FileBytes {
    /// The bytes of a file.
    public static func read(_ path: String) throws(FileError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(code: "file_unreadable", message: "cannot read \(path)")
        }
        return Array(data)
    }

    /// Creates a new file with `mode` and writes it durably; an existing file is never overwritten.
    public static func create(_ path: String, bytes: [UInt8], mode: mode_t) throws(FileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else {
            throw FileError(code: "file_unwritable", message: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            throw FileError(code: "file_unwritable", message: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Replaces a file's content atomically (write a temporary file, then rename), keeping `mode`.
    public static func replace(_ path: String, bytes: [UInt8], mode: mode_t = 0o644) throws(FileError) {
        let temporary = path + ".tmp-\(getpid())"
        unlink(temporary)
        try create(temporary, bytes: bytes, mode: mode)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw FileError(code: "file_unwritable", message: "cannot replace \(path): \(String(cString: strerror(errno)))")
        }
    }
}
