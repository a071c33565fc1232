import Crypto
import Foundation
import SwiftASN1
import X509

extension NodeIdentity {
    /// A self-signed certificate for `key`, PEM: subject and issuer CN = the node id, a DNS name of
    /// the node id, usable for TLS server and client authentication (every peer link is mutual), not
    /// a certificate authority. Valid from an hour ago (clocks disagree) for `validityYears`.
    static func selfSignedCertificate(for key: P256.Signing.PrivateKey, id: String, now: Date = Date()) throws(FileError) -> [UInt8] {
        do {
            let name = try DistinguishedName { CommonName(id) }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames([.dnsName(id)])
            }
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: Certificate.PublicKey(key.publicKey),
                notValidBefore: now.addingTimeInterval(-3_600),
                notValidAfter: now.addingTimeInterval(Double(validityYears) * 365.25 * 86_400),
                issuer: name,
                subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions,
                issuerPrivateKey: Certificate.PrivateKey(key)
            )
            return Array((try certificate.serializeAsPEM().pemString + "\n").utf8)
        } catch {
            throw FileError(code: "invalid_node_identity", message: "cannot make the TLS certificate of node \(id): \(error)")
        }
    }

    /// The TLS pin of a certificate's public key: the SHA-256 of its DER SubjectPublicKeyInfo, as
    /// `pin(spkiDER:)`. For a P-256 key it equals `pin(of:)` of the same key.
    public static func pin(of key: Certificate.PublicKey) throws(FileError) -> String {
        var serializer = DER.Serializer()
        do {
            try serializer.serialize(key)
        } catch {
            throw FileError(code: "invalid_node_identity", message: "cannot encode the public key \(key): \(error)")
        }
        return pin(spkiDER: serializer.serializedBytes)
    }
}
