import BrakeCore
import BrakeFiles
import Crypto
import Foundation
import Testing
import X509

/// A node identity directory: made once, read back, checked for modes and for files that belong together.
@Suite("Node identity files")
struct NodeIdentityTests {
    /// A fresh directory path under the temporary directory (not created).
    static func newPath() -> String {
        NSTemporaryDirectory() + "brake-identity-\(UUID().uuidString.prefix(8))/node"
    }

    static func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
    }

    static func text(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    /// The error a throwing closure throws, or nil.
    static func fileError<T>(_ body: () throws(FileError) -> T) -> FileError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    @Test func createThenLoad() throws {
        let dir = Self.newPath()
        let made = try NodeIdentity.create(directory: dir, id: "node-a", party: "lab-a", address: "brake.lab-a.example:7401")
        #expect(Self.mode(dir) == 0o700)
        #expect(Self.mode(made.path("tls.key")) == 0o600)
        #expect(Self.mode(made.path("checkpoint.key")) == 0o600)
        #expect(Self.text(made.path("tls.key")).hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(Self.text(made.path("tls.crt")).hasPrefix("-----BEGIN CERTIFICATE-----\n"))

        #expect(made.entry.id == "node-a")
        #expect(made.entry.party == "lab-a")
        #expect(made.entry.address == "brake.lab-a.example:7401")
        #expect(NodeInfo.isWellFormedPin(made.tlsPin))
        #expect(made.entry.checkpointKey == made.checkpointKey.publicKey)

        let loaded = try NodeIdentity.load(directory: dir)
        #expect(loaded.entry == made.entry)
        #expect(loaded.tlsPin == made.tlsPin)
        #expect(loaded.checkpointKey.seed == made.checkpointKey.seed)
        #expect(loaded.tlsKeyPEM == made.tlsKeyPEM)
        #expect(loaded.certificatePEM == made.certificatePEM)
        #expect(loaded.tlsKeyPEM == Array(Self.text(dir + "/tls.key").utf8))

        // node.pub.json is the public entry, in the charter's form, and readEntry gives it back.
        #expect(try NodeIdentity.readEntry(at: dir + "/node.pub.json") == made.entry)
        #expect(Self.text(dir + "/node.pub.json") == String(decoding: made.entry.jsonBytes(), as: UTF8.self) + "\n")
        // The checkpoint key file is a Brake private key file.
        #expect(try KeyFiles.signingKey(at: dir + "/checkpoint.key").key.publicKey == made.checkpointKey.publicKey)

        // The certificate names the node and outlives any federation.
        let certificate = try Certificate(pemEncoded: Self.text(dir + "/tls.crt"))
        #expect(certificate.subject.description == "CN=node-a")
        #expect(certificate.issuer == certificate.subject)
        #expect(certificate.notValidAfter > Date().addingTimeInterval(99 * 365 * 86_400))
        #expect(certificate.notValidBefore < Date())
    }

    /// The pin is the SHA-256 of the DER SubjectPublicKeyInfo: the same bytes whether taken from the
    /// certificate (what a peer sees) or from swift-crypto's `derRepresentation` of the key.
    @Test func pinOfTheCertificateIsThePinOfTheKey() throws {
        let made = try NodeIdentity.create(directory: Self.newPath(), id: "node-1", party: "lab-a", address: "127.0.0.1:7401")
        let certificate = try Certificate(pemEncoded: String(decoding: made.certificatePEM, as: UTF8.self))
        let key = try P256.Signing.PrivateKey(pemRepresentation: String(decoding: made.tlsKeyPEM, as: UTF8.self))
        let der = Array(key.publicKey.derRepresentation)
        // RFC 5480: SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (uncompressed point) }.
        let spkiPrefix: [UInt8] = [
            0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
            0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
        ]
        #expect(der.count == 91)
        #expect(Array(der.prefix(spkiPrefix.count)) == spkiPrefix)
        let hex = SHA256.hash(data: der).map { String(format: "%02x", $0) }.joined()
        #expect(NodeIdentity.pin(spkiDER: der) == hex)
        #expect(try NodeIdentity.pin(of: certificate.publicKey) == hex)
        #expect(NodeIdentity.pin(of: key.publicKey) == hex)
        #expect(made.tlsPin == hex)
    }

    @Test func neverOverwritesAnIdentity() throws {
        let dir = Self.newPath()
        let first = try NodeIdentity.create(directory: dir, id: "node-1", party: "lab-a", address: "127.0.0.1:7401")
        let again = Self.fileError { () throws(FileError) in
            try NodeIdentity.create(directory: dir, id: "node-1", party: "lab-a", address: "127.0.0.1:7401")
        }
        #expect(again?.code == "identity_exists")
        #expect(try NodeIdentity.load(directory: dir).tlsPin == first.tlsPin)

        // One leftover file is enough to refuse.
        let partial = Self.newPath()
        try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: partial + "/checkpoint.key", contents: Data("x".utf8)))
        let overPartial = Self.fileError { () throws(FileError) in
            try NodeIdentity.create(directory: partial, id: "node-1", party: "lab-a", address: "127.0.0.1:7401")
        }
        #expect(overPartial?.code == "identity_exists")
        #expect(Self.text(partial + "/checkpoint.key") == "x")
        #expect(!FileManager.default.fileExists(atPath: partial + "/tls.key"))
    }

    /// An id, party or address no charter would accept is refused before anything is written.
    @Test(arguments: [
        ("Node-1", "lab-a", "127.0.0.1:7401"), ("node-1", "", "127.0.0.1:7401"),
        ("node-1", "lab-a", "127.0.0.1"), ("node-1", "lab-a", "127.0.0.1:70000"),
    ])
    func refusesAnEntryNoCharterAccepts(id: String, party: String, address: String) {
        let dir = Self.newPath()
        let error = Self.fileError { () throws(FileError) in
            try NodeIdentity.create(directory: dir, id: id, party: party, address: address)
        }
        #expect(error?.code == "invalid_charter")
        #expect(!FileManager.default.fileExists(atPath: dir))
    }

    @Test(arguments: ["tls.key", "checkpoint.key"])
    func refusesPrivateFilesOthersCanRead(file: String) throws {
        let dir = Self.newPath()
        _ = try NodeIdentity.create(directory: dir, id: "node-1", party: "lab-a", address: "127.0.0.1:7401")
        for mode: mode_t in [0o640, 0o604, 0o660] {
            chmod(dir + "/" + file, mode)
            let error = Self.fileError { () throws(FileError) in try NodeIdentity.load(directory: dir) }
            #expect(error?.code == "insecure_key_file", "mode \(String(mode, radix: 8))")
            #expect(error?.message.contains(file) == true)
        }
        // Stricter than 0600 is fine.
        chmod(dir + "/" + file, 0o400)
        #expect(Self.fileError { () throws(FileError) in try NodeIdentity.load(directory: dir) } == nil)
    }

    /// Files of two identities mixed in one directory do not load: each names what does not match.
    @Test(arguments: [
        ("tls.crt", "is not the certificate of the key"),
        ("tls.key", "is not the certificate of the key"),
        ("node.pub.json", "pins TLS key"),
        ("checkpoint.key", "names checkpoint key"),
    ])
    func refusesFilesThatDoNotBelongTogether(swapped: String, expected: String) throws {
        let a = Self.newPath(), b = Self.newPath()
        _ = try NodeIdentity.create(directory: a, id: "node-1", party: "lab-a", address: "127.0.0.1:7401")
        _ = try NodeIdentity.create(directory: b, id: "node-1", party: "lab-a", address: "127.0.0.1:7401")
        try FileManager.default.removeItem(atPath: a + "/" + swapped)
        try FileManager.default.copyItem(atPath: b + "/" + swapped, toPath: a + "/" + swapped)
        let error = Self.fileError { () throws(FileError) in try NodeIdentity.load(directory: a) }
        #expect(error?.code == "invalid_node_identity")
        #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
    }

    @Test(arguments: [
        ("tls.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "invalid_node_identity"),
        ("tls.key", "not a key", "invalid_node_identity"),
        ("tls.crt", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "invalid_node_identity"),
        ("node.pub.json", "{}", "invalid_charter"),
        ("checkpoint.key", "{}", "invalid_key"),
    ])
    func refusesGarbage(file: String, content: String, code: String) throws {
        let dir = Self.newPath()
        _ = try NodeIdentity.create(directory: dir, id: "node-1", party: "lab-a", address: "127.0.0.1:7401")
        try FileManager.default.removeItem(atPath: dir + "/" + file)
        #expect(FileManager.default.createFile(atPath: dir + "/" + file, contents: Data(content.utf8), attributes: [.posixPermissions: 0o600]))
        let error = Self.fileError { () throws(FileError) in try NodeIdentity.load(directory: dir) }
        #expect(error?.code == code)
    }

    @Test func missingDirectoryIsUnreadable() {
        let error = Self.fileError { () throws(FileError) in try NodeIdentity.load(directory: Self.newPath()) }
        #expect(error?.code == "file_unreadable")
    }
}
