import BrakeCore
import BrakeFiles
import Foundation
import Testing

/// Key files are opened once, never through a link, and their mode and owner are checked on that open
/// descriptor; the data directory must be the daemon's user's and not writable by others.
@Suite("File safety")
struct FileSafetyTests {
    static func newDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "brake-files-\(UUID().uuidString.prefix(8))"
        try FileBytes.makeDirectory(dir)
        return dir
    }

    static func privateKeyFile(in dir: String, name: String = "lab-a.key") throws -> String {
        let path = dir + "/" + name
        try KeyFiles.write(KeyFile.privateFile(party: "lab-a", key: try SigningKey(seed: [UInt8](repeating: 1, count: 32))), to: path)
        return path
    }

    static var isRoot: Bool { geteuid() == 0 }

    @Test func aKeyFileIsReadAndItsModeChecked() throws {
        let dir = try Self.newDirectory()
        let path = try Self.privateKeyFile(in: dir)
        #expect(try KeyFiles.read(path).party == "lab-a")
        chmod(path, 0o640)
        #expect(NodeIdentityTests.fileError { () throws(FileError) in try KeyFiles.read(path) }?.code == "insecure_key_file")
    }

    /// A link to a key file is refused, private or public, even when the target itself would pass.
    @Test func aKeyFileBehindASymbolicLinkIsRefused() throws {
        let dir = try Self.newDirectory()
        let target = try Self.privateKeyFile(in: dir)
        let publicPath = dir + "/lab-a.key.pub"
        try KeyFiles.write(try KeyFiles.read(target).publicFile, to: publicPath)
        for (link, destination) in [(dir + "/link.key", target), (dir + "/link.key.pub", publicPath)] {
            #expect(symlink(destination, link) == 0)
            let error = NodeIdentityTests.fileError { () throws(FileError) in try KeyFiles.read(link) }
            #expect(error?.code == "insecure_key_file")
            #expect(error?.message.contains("symbolic link") == true)
        }
    }

    /// Something that is not a regular file is refused at once: a FIFO would otherwise block the read.
    @Test func aKeyPathThatIsNoRegularFileIsRefused() throws {
        let dir = try Self.newDirectory()
        #expect(mkfifo(dir + "/fifo.key", 0o600) == 0)
        #expect(NodeIdentityTests.fileError { () throws(FileError) in try KeyFiles.read(dir + "/fifo.key") }?.code == "file_unreadable")
        #expect(NodeIdentityTests.fileError { () throws(FileError) in try KeyFiles.read(dir) }?.code == "file_unreadable")
    }

    /// A private key file owned by another user is refused, whatever its mode. (Needs root to chown.)
    @Test(.enabled(if: FileSafetyTests.isRoot, "chown needs root"))
    func aKeyFileOwnedByAnotherUserIsRefused() throws {
        let dir = try Self.newDirectory()
        let path = try Self.privateKeyFile(in: dir)
        #expect(chown(path, 1, 1) == 0)
        let error = NodeIdentityTests.fileError { () throws(FileError) in try KeyFiles.read(path) }
        #expect(error?.code == "insecure_key_file")
        #expect(error?.message.contains("owned by uid 1") == true)

        let identity = dir + "/node"
        _ = try NodeIdentity.create(directory: identity, id: "node-1", party: "lab-a", address: "127.0.0.1:7401")
        #expect(chown(identity + "/tls.key", 1, 1) == 0)
        #expect(NodeIdentityTests.fileError { () throws(FileError) in try NodeIdentity.load(directory: identity) }?.code == "insecure_key_file")
    }

    @Test func createdFilesAreNeverFollowedOrOverwritten() throws {
        let dir = try Self.newDirectory()
        let elsewhere = dir + "/elsewhere"
        #expect(symlink(elsewhere, dir + "/new.key") == 0)
        let file = KeyFile.privateFile(party: "lab-a", key: try SigningKey(seed: [UInt8](repeating: 1, count: 32)))
        let error = NodeIdentityTests.fileError { () throws(FileError) in try KeyFiles.write(file, to: dir + "/new.key") }
        #expect(error?.code == "file_unwritable")
        #expect(!FileManager.default.fileExists(atPath: elsewhere))
    }

    @Test func aMissingDataDirectoryIsCreatedPrivate() throws {
        let dir = try Self.newDirectory() + "/a/b/data"
        try DataDirectory.prepare(dir)
        let mode = try FileManager.default.attributesOfItem(atPath: dir)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        try DataDirectory.prepare(dir)  // an existing good directory is used as it is
    }

    /// Group- or world-writable data directories are refused, naming the fix; group-readable is fine.
    @Test(arguments: [(mode_t(0o770), false), (0o757, false), (0o777, false), (0o750, true), (0o755, true)])
    func aDataDirectoryOthersCanWriteIsRefused(mode: mode_t, allowed: Bool) throws {
        let dir = try Self.newDirectory()
        chmod(dir, mode)
        let error = NodeIdentityTests.fileError { () throws(FileError) in try DataDirectory.prepare(dir) }
        if allowed {
            #expect(error == nil)
        } else {
            #expect(error?.code == "data_dir_insecure")
            #expect(error?.message.contains("chmod go-w \(dir)") == true)
        }
    }

    @Test(.enabled(if: FileSafetyTests.isRoot, "chown needs root"))
    func aDataDirectoryOwnedByAnotherUserIsRefused() throws {
        let dir = try Self.newDirectory()
        #expect(chown(dir, 1, 1) == 0)
        let error = NodeIdentityTests.fileError { () throws(FileError) in try DataDirectory.check(dir) }
        #expect(error?.code == "data_dir_insecure")
        #expect(error?.message.contains("owned by uid 1") == true)
    }

    @Test func aDataDirectoryPathThatIsAFileIsRefused() throws {
        let dir = try Self.newDirectory()
        try FileBytes.create(dir + "/file", bytes: [1], mode: 0o600)
        #expect(NodeIdentityTests.fileError { () throws(FileError) in try DataDirectory.prepare(dir + "/file") }?.code == "file_unwritable")
    }
}
