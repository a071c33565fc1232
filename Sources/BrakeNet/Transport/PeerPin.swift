import Crypto
import NIOSSL

/// Pins: the lowercase hex SHA-256 of a certificate's DER SubjectPublicKeyInfo.
///
/// Pinning the public key rather than the certificate lets an operator reissue its self-signed
/// certificate (new validity dates) without amending the charter, as long as the key stays.
enum PeerPin {
    /// The pin of `certificate`'s public key, or nil when the key cannot be extracted.
    static func of(_ certificate: NIOSSLCertificate) -> String? {
        guard let spki = try? certificate.extractPublicKey().toSPKIBytes() else { return nil }
        return of(spki: spki)
    }

    /// The pin of a DER SubjectPublicKeyInfo.
    static func of(spki: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: spki) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `text` has the shape of a pin: 64 lowercase hex digits.
    static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
