import BrakeCore
import Crypto

/// A node's timestamped Ed25519 cosignature of a checkpoint, C2SP tlog-cosignature v1 (signature
/// type 0x04 of c2sp.org/signed-note): "as of `timestamp`, the largest consistent tree I have seen for
/// this origin has this root".
///
/// - key name: `<federation id>/<node id>` (`keyName(origin:node:)`);
/// - key ID: the first 4 bytes of `SHA-256(keyName || 0x0A || 0x04 || public key)`;
/// - signed message: `"cosignature/v1\ntime <timestamp>\n"` followed by the checkpoint body;
/// - signature line: `— <keyName> base64(keyID || u64be(timestamp) || signature)`.
///
/// Every Brake node signs checkpoints this way and only this way, with the checkpoint key its charter
/// entry pins, so a checkpoint is a signed note whose signatures are all cosignatures.
public struct Cosignature: Sendable, Hashable {
    /// The signature type byte of cosignature/v1 in the key ID.
    public static let signatureType: UInt8 = 0x04
    /// The largest timestamp the format allows (2^63 - 1).
    public static let maxTimestamp = UInt64(Int64.max)

    /// Who signed: `<federation id>/<node id>`.
    public let keyName: String
    /// The 4-byte key ID of the signing key under `keyName`.
    public let keyID: [UInt8]
    /// When it was signed, in seconds since 1970 (Unix time).
    public let timestamp: UInt64
    /// The 64-byte Ed25519 signature of `message(checkpoint, timestamp)`.
    public let signature: [UInt8]

    /// The key name of a node of a federation.
    public static func keyName(origin: String, node: String) -> String { "\(origin)/\(node)" }

    /// The key ID of `key` under `keyName`.
    public static func keyID(keyName: String, key: PublicKey) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array(keyName.utf8) + [0x0A, signatureType])
        hasher.update(data: key.rawRepresentation)
        return Array(hasher.finalize().prefix(4))
    }

    /// The bytes a cosigner signs for `checkpoint` at `timestamp`.
    public static func message(_ checkpoint: Checkpoint, timestamp: UInt64) -> [UInt8] {
        Array("cosignature/v1\ntime \(timestamp)\n".utf8) + checkpoint.body
    }

    /// Cosigns `checkpoint` as `keyName` with `key` at `timestamp` (clamped to the format's maximum).
    public static func sign(_ checkpoint: Checkpoint, keyName: String, key: SigningKey, timestamp: UInt64) -> Cosignature {
        let timestamp = min(timestamp, maxTimestamp)
        return Cosignature(
            keyName: keyName, keyID: keyID(keyName: keyName, key: key.publicKey), timestamp: timestamp,
            signature: key.signature(for: message(checkpoint, timestamp: timestamp)))
    }

    /// Wraps the parts of a cosignature; `line(_:)` and `SignedCheckpoint` parse them from text.
    public init(keyName: String, keyID: [UInt8], timestamp: UInt64, signature: [UInt8]) {
        self.keyName = keyName
        self.keyID = keyID
        self.timestamp = timestamp
        self.signature = signature
    }

    /// Whether this cosignature is `key`'s, under this key name, over `checkpoint`: the key ID must be
    /// the key's and the signature must verify.
    public func isValid(for checkpoint: Checkpoint, key: PublicKey) -> Bool {
        keyID == Self.keyID(keyName: keyName, key: key) && timestamp <= Self.maxTimestamp
            && key.isValidSignature(signature, for: Self.message(checkpoint, timestamp: timestamp))
    }

    /// Whether this signature line names `key` under `keyName` (so a verifier must check it).
    public func names(keyName: String, key: PublicKey) -> Bool {
        self.keyName == keyName && keyID == Self.keyID(keyName: keyName, key: key)
    }

    /// The signed-note signature line, without its newline.
    public var line: String {
        var bytes = keyID
        withUnsafeBytes(of: timestamp.bigEndian) { bytes += $0 }
        bytes += signature
        return "\u{2014} \(keyName) \(Base64.encode(bytes))"
    }

    /// Parses one signature line (without its newline). Nil when the line is a well-formed note
    /// signature of another type (not 4 + 8 + 64 bytes), which a verifier ignores; throws when it is
    /// not a signature line at all.
    public static func parse(line: Substring) throws(LogError) -> Cosignature? {
        let prefix = "\u{2014} "
        guard line.hasPrefix(prefix) else {
            throw LogError(.invalidNote, "a signature line must start with an em dash and a space")
        }
        let rest = line.dropFirst(prefix.count)
        let parts = rest.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[0].contains("+") else {
            throw LogError(.invalidNote, "a signature line is '— <key name> <base64>', the name without spaces or '+'")
        }
        guard let bytes = Base64.decodeStandard(parts[1]), bytes.count > 4 else {
            throw LogError(.invalidNote, "the signature of \(parts[0]) is not standard base64 of more than 4 bytes")
        }
        guard bytes.count == 4 + 8 + 64 else { return nil }
        let timestamp = bytes[4..<12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Cosignature(
            keyName: String(parts[0]), keyID: Array(bytes[0..<4]), timestamp: timestamp, signature: Array(bytes[12...]))
    }
}
