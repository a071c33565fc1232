import Crypto

/// An Ed25519 public key of a party.
///
/// Keys are compared and stored by their 32 raw bytes; `keyID` (hex SHA-256 of those bytes) is what
/// envelopes carry as a hint and what people read in listings.
public struct PublicKey: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 32-byte Ed25519 public key.
    public let rawRepresentation: [UInt8]
    private let key: Curve25519.Signing.PublicKey

    /// Wraps the 32 raw bytes of a usable key. Anything else is `invalid_key`: another length, a
    /// non-canonical encoding, and the eight small-order points, under which anyone could forge
    /// signatures (see `Ed25519KeyCheck`). So a charter can never list a key that speaks for everyone.
    /// Bytes that encode no curve point pass here, but no charter can list them: every listed key must
    /// sign the charter (`Charter.verify`), and nothing verifies under them.
    public init(rawRepresentation: [UInt8]) throws(BrakeError) {
        if let problem = Ed25519KeyCheck.problem(with: rawRepresentation) {
            throw BrakeError(.invalidKey, problem)
        }
        do {
            key = try Curve25519.Signing.PublicKey(rawRepresentation: rawRepresentation)
        } catch {
            throw BrakeError(.invalidKey, "not an Ed25519 public key")
        }
        self.rawRepresentation = rawRepresentation
        keyID = Bytes.sha256Hex(rawRepresentation)
    }

    /// Decodes canonical base64 (either alphabet, padded or not; see `Bytes.decodeBase64`) of the 32 raw
    /// bytes, the form charters and key files use; then checks the key as `init(rawRepresentation:)` does.
    public init(base64: String) throws(BrakeError) {
        let bytes: [UInt8]
        do {
            bytes = try Bytes.decodeBase64(base64, field: "public key")
        } catch {
            throw BrakeError(.invalidKey, error.message)
        }
        try self.init(rawRepresentation: bytes)
    }

    /// Lowercase hex SHA-256 of the raw key: the keyid hint in envelopes (computed once, since
    /// every signature check compares hints against it).
    public let keyID: String

    /// Standard padded base64 of the raw key.
    public var base64: String { Bytes.base64(rawRepresentation) }

    /// The key id, for logs.
    public var description: String { keyID }

    /// Whether `sig` is a valid Ed25519 signature of `message` by this key.
    public func isValidSignature(_ sig: [UInt8], for message: [UInt8]) -> Bool {
        key.isValidSignature(sig, for: message)
    }

    /// Equal raw bytes, equal keys.
    public static func == (a: PublicKey, b: PublicKey) -> Bool { a.rawRepresentation == b.rawRepresentation }
    /// Hashes the raw bytes.
    public func hash(into hasher: inout Hasher) { hasher.combine(rawRepresentation) }

    /// Decodes from a base64 string.
    public init(from decoder: any Decoder) throws {
        try self.init(base64: decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes as a base64 string.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(base64)
    }
}
