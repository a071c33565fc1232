import BrakeCore
import Crypto
import Foundation
import X509

/// A node's identity on disk: the keys it proves itself with, and the public entry its party puts
/// in the charter.
///
/// The directory (created 0700) holds:
/// - `tls.key`: the P-256 TLS private key, PEM PKCS#8 (`PRIVATE KEY`), mode 0600;
/// - `tls.crt`: a self-signed X.509 certificate for that key, PEM, subject CN = the node id. Peers
///   check its key against the charter's pin, never its chain, so it is valid for 100 years;
/// - `checkpoint.key`: the Ed25519 checkpoint cosigning key, a Brake private key file, mode 0600;
/// - `node.pub.json`: the public charter entry `{"id","party","address","tlsPin","checkpointKey"}`,
///   which the party hands to whoever drafts the charter (`brakectl charter init --node-file`).
///
/// Errors are `FileError`s: `identity_exists` (create would overwrite), `invalid_node_identity` (a
/// file that does not parse, or files that do not belong together), `insecure_key_file` (a private
/// file readable by group or others), `file_unreadable`, `file_unwritable`, and `invalid_charter`
/// for an id, party or address that no charter would accept.
public struct NodeIdentity: Sendable {
    /// File name of the TLS private key.
    public static let tlsKeyFileName = "tls.key"
    /// File name of the self-signed TLS certificate.
    public static let certificateFileName = "tls.crt"
    /// File name of the checkpoint private key.
    public static let checkpointKeyFileName = "checkpoint.key"
    /// File name of the public charter entry.
    public static let entryFileName = "node.pub.json"
    /// How long the certificate is valid: peers trust the pin, not the dates, so it must not expire
    /// under a running federation.
    static let validityYears = 100

    /// The identity directory.
    public let directory: String
    /// The node's public charter entry (what `node.pub.json` holds).
    public let entry: NodeInfo
    /// The PEM bytes of `tls.key`, for the TLS library (NIOSSL reads PEM).
    public let tlsKeyPEM: [UInt8]
    /// The PEM bytes of `tls.crt`, for the TLS library.
    public let certificatePEM: [UInt8]
    /// The node's Ed25519 checkpoint cosigning key.
    public let checkpointKey: SigningKey

    /// The pin of the TLS public key (`entry.tlsPin`): lowercase hex SHA-256 of its DER SubjectPublicKeyInfo.
    public var tlsPin: String { entry.tlsPin }

    /// The path of a file of this identity.
    public func path(_ fileName: String) -> String { Self.path(directory, fileName) }

    /// The TLS pin of a public key given as DER SubjectPublicKeyInfo: lowercase hex SHA-256. This is what
    /// a peer computes from the certificate a connection presents and compares with the charter.
    public static func pin(spkiDER: [UInt8]) -> String {
        sha256Hex(spkiDER)
    }

    /// The TLS pin of a P-256 public key (its `derRepresentation` is the DER SubjectPublicKeyInfo).
    public static func pin(of key: P256.Signing.PublicKey) -> String {
        pin(spkiDER: Array(key.derRepresentation))
    }

    /// Makes a new identity in `directory`: a fresh P-256 TLS key and its self-signed certificate, a
    /// fresh Ed25519 checkpoint key, and the public entry. The directory is created 0700 if missing;
    /// an existing identity there is never overwritten (`identity_exists`). If writing fails half
    /// way, the files written so far are removed, so a retry starts clean.
    public static func create(directory: String, id: String, party: String, address: String) throws(FileError) -> NodeIdentity {
        let tlsKey = P256.Signing.PrivateKey()
        let checkpointKey: SigningKey
        do {
            checkpointKey = try SigningKey(seed: SystemRandom.bytes(32))
        } catch {
            throw FileError(code: error.code.rawValue, message: "cannot make a checkpoint key: \(error.message)")
        }
        let entry = NodeInfo(id: id, party: party, address: address, tlsPin: pin(of: tlsKey.publicKey), checkpointKey: checkpointKey.publicKey)
        do {
            try entry.validateEntry()
        } catch {
            throw FileError(code: error.code.rawValue, message: error.message)
        }
        let certificate = try selfSignedCertificate(for: tlsKey, id: id)

        try makeDirectory(directory)
        for name in [tlsKeyFileName, certificateFileName, checkpointKeyFileName, entryFileName]
        where FileManager.default.fileExists(atPath: path(directory, name)) {
            throw FileError(code: "identity_exists", message: "\(path(directory, name)) exists; a node identity is never overwritten")
        }

        let tlsKeyPEM = Array((tlsKey.pemRepresentation + "\n").utf8)
        var written: [String] = []
        do throws(FileError) {
            // The entry goes last: its presence says the identity is complete.
            try FileBytes.create(path(directory, tlsKeyFileName), bytes: tlsKeyPEM, mode: 0o600)
            written.append(path(directory, tlsKeyFileName))
            try FileBytes.create(path(directory, certificateFileName), bytes: certificate, mode: 0o644)
            written.append(path(directory, certificateFileName))
            try KeyFiles.write(KeyFile.privateFile(party: nil, key: checkpointKey), to: path(directory, checkpointKeyFileName))
            written.append(path(directory, checkpointKeyFileName))
            try FileBytes.create(path(directory, entryFileName), bytes: entry.jsonBytes() + Array("\n".utf8), mode: 0o644)
        } catch {
            for file in written { unlink(file) }
            throw error
        }
        return NodeIdentity(
            directory: directory, entry: entry, tlsKeyPEM: tlsKeyPEM, certificatePEM: certificate, checkpointKey: checkpointKey)
    }

    /// Reads the identity in `directory` and checks that its files belong together: private files
    /// opened without following links, owned by this user and 0600 or stricter (checked on the open
    /// descriptor), the certificate made for the TLS key and signed by it, and the public entry
    /// naming that key's pin and the checkpoint key.
    public static func load(directory: String) throws(FileError) -> NodeIdentity {
        func invalid(_ message: String) -> FileError { FileError(code: "invalid_node_identity", message: message) }
        let keyPath = path(directory, tlsKeyFileName)
        let certificatePath = path(directory, certificateFileName)
        let entryPath = path(directory, entryFileName)

        // One descriptor: the file whose mode and owner are checked is the file read.
        let keyFile = try FileBytes.readFile(keyPath)
        try keyFile.checkPrivate()
        let tlsKeyPEM = keyFile.bytes
        let tlsKey: P256.Signing.PrivateKey
        do {
            tlsKey = try P256.Signing.PrivateKey(pemRepresentation: String(decoding: tlsKeyPEM, as: UTF8.self))
        } catch {
            throw invalid("\(keyPath) is not a P-256 private key in PEM (PKCS#8 PRIVATE KEY)")
        }

        let certificatePEM = try FileBytes.read(certificatePath)
        let certificate: Certificate
        do {
            certificate = try Certificate(pemEncoded: String(decoding: certificatePEM, as: UTF8.self))
        } catch {
            throw invalid("\(certificatePath) is not an X.509 certificate in PEM: \(error)")
        }
        guard certificate.publicKey == Certificate.PublicKey(tlsKey.publicKey) else {
            throw invalid("\(certificatePath) is not the certificate of the key in \(keyPath)")
        }
        guard certificate.publicKey.isValidSignature(certificate.signature, for: certificate) else {
            throw invalid("\(certificatePath) is not signed by the key in \(keyPath)")
        }

        let checkpointKey = try KeyFiles.signingKey(at: path(directory, checkpointKeyFileName)).key
        let entry = try readEntry(at: entryPath)
        let pin = try pin(of: certificate.publicKey)
        guard entry.tlsPin.utf8.elementsEqual(pin.utf8) else {
            throw invalid("\(entryPath) pins TLS key \(entry.tlsPin), but \(keyPath) has pin \(pin)")
        }
        guard entry.checkpointKey == checkpointKey.publicKey else {
            throw invalid("\(entryPath) names checkpoint key \(entry.checkpointKey.base64), not the key in \(checkpointKeyFileName)")
        }
        return NodeIdentity(
            directory: directory, entry: entry, tlsKeyPEM: tlsKeyPEM, certificatePEM: certificatePEM, checkpointKey: checkpointKey)
    }

    /// Reads a public node entry file (`node.pub.json`) and checks the entry on its own
    /// (`NodeInfo.validateEntry`); the charter it goes into checks the rest.
    public static func readEntry(at path: String) throws(FileError) -> NodeInfo {
        let bytes = try FileBytes.read(path)
        do {
            return try NodeInfo(jsonBytes: bytes)
        } catch {
            throw FileError(code: error.code.rawValue, message: "\(path): \(error.message)")
        }
    }

    static func path(_ directory: String, _ fileName: String) -> String {
        (directory as NSString).appendingPathComponent(fileName)
    }

    /// Creates the directory 0700 (its parents as needed, each fsynced into its parent); an existing
    /// directory is used as it is.
    static func makeDirectory(_ directory: String) throws(FileError) {
        try FileBytes.makeDirectory(directory, mode: 0o700)
    }
}
