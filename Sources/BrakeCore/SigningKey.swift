import Crypto

/// An Ed25519 private key, built from a 32-byte seed.
///
/// The core never generates keys: randomness is an input, so the caller (brakectl keygen, a test, the
/// simulator) supplies the seed.
public struct SigningKey: Sendable {
    private let key: Curve25519.Signing.PrivateKey
    /// The 32-byte seed the key was made from; what a private key file stores.
    public let seed: [UInt8]
    /// The matching public key.
    public let publicKey: PublicKey

    /// Builds the key from exactly 32 seed bytes, else `invalid_key`.
    public init(seed: [UInt8]) throws(BrakeError) {
        guard seed.count == 32 else {
            throw BrakeError(.invalidKey, "an Ed25519 seed has 32 bytes, not \(seed.count)")
        }
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        } catch {
            throw BrakeError(.invalidKey, "not an Ed25519 seed")
        }
        self.seed = seed
        publicKey = try PublicKey(rawRepresentation: Array(key.publicKey.rawRepresentation))
    }

    /// Signs `message` (for envelopes: the PAE).
    public func signature(for message: [UInt8]) -> [UInt8] {
        do {
            return Array(try key.signature(for: message))
        } catch {
            // Ed25519 signing with a well-formed key cannot fail; if the library says otherwise,
            // continuing would produce envelopes nobody can verify.
            preconditionFailure("Ed25519 signing failed for key \(publicKey.keyID): \(error)")
        }
    }
}
