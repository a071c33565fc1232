import BrakeCore
import Foundation

/// An error reading or writing a file of the federation: a key file or a charter.
public struct FileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code: `file_unreadable`, `file_unwritable`, the BrakeCore code of a bad content,
    /// `insecure_key_file` (a private file others may access or own, or a key file behind a symbolic
    /// link), `data_dir_insecure` (see `DataDirectory`), or for node identities `identity_exists` and
    /// `invalid_node_identity` (see `NodeIdentity`).
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
/// when group or others may read them or another user owns them; the format is `BrakeCore.KeyFile`'s.
public enum KeyFiles {
    /// Writes a key file; private files are created 0600 (never briefly wider) and never overwrite.
    public static func write(_ file: KeyFile, to path: String) throws(FileError) {
        try FileBytes.create(path, bytes: file.encoded() + Array("\n".utf8), mode: file.seed != nil ? 0o600 : 0o644)
    }

    /// Reads a key file through one descriptor, opened without following a symbolic link
    /// (`FileBytes.readFile`). A private key file must be owned by this process's user and give group
    /// and others no access, as `fstat` of that same descriptor says (`insecure_key_file`), so the file
    /// checked is the file read.
    public static func read(_ path: String) throws(FileError) -> KeyFile {
        let opened = try FileBytes.readFile(path)
        let file: KeyFile
        do {
            file = try KeyFile(decoding: opened.bytes)
        } catch {
            throw FileError(code: error.code.rawValue, message: "\(path): \(error.message)")
        }
        if file.seed != nil {
            try opened.checkPrivate()
        }
        return file
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
