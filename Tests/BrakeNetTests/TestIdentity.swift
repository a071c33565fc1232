import Crypto
import Foundation
import NIOCore
import NIOPosix
import X509

/// A node's TLS identity made in the test: a P-256 key and a self-signed certificate, as
/// `brakectl node init` makes them.
struct TestIdentity: Sendable {
    let certificatePEM: [UInt8]
    let privateKeyPEM: [UInt8]
    /// Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo.
    let pin: String

    init(name: String) throws {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName(name) }
        let now = Date()
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            notValidBefore: now - 3600,
            notValidAfter: now + 86_400,
            issuer: subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: Certificate.Extensions {},
            issuerPrivateKey: .init(key)
        )
        certificatePEM = Array(try certificate.serializeAsPEM().pemString.utf8)
        privateKeyPEM = Array(key.pemRepresentation.utf8)
        pin = SHA256.hash(data: key.publicKey.derRepresentation).map { String(format: "%02x", $0) }.joined()
    }
}

/// Loopback ports that were free a moment ago: bound to port 0, read, released. The transport's
/// listener uses SO_REUSEADDR, so a port in TIME_WAIT binds again.
func freePorts(_ count: Int, group: any EventLoopGroup) async throws -> [Int] {
    var channels: [any Channel] = []
    for _ in 0..<count {
        channels.append(try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get())
    }
    let ports = channels.compactMap { $0.localAddress?.port }
    for channel in channels { try await channel.close() }
    return ports
}
