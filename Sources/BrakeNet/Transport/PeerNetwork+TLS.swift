import NIOSSL

extension PeerNetwork {
    /// The pin of the public key in a PEM certificate: lowercase hex SHA-256 of its DER
    /// SubjectPublicKeyInfo, the value the charter holds for a node. Lets a node log its own pin
    /// and check it against the charter before it starts.
    public static func pin(certificatePEM: [UInt8]) throws(PeerNetworkError) -> String {
        do {
            let certificate = try NIOSSLCertificate(bytes: certificatePEM, format: .pem)
            return PeerPin.of(spki: try certificate.extractPublicKey().toSPKIBytes())
        } catch {
            throw PeerNetworkError(.tls, "cannot read the public key of the certificate: \(error)")
        }
    }

    /// Both TLS contexts, built once: TLS 1.3 only, this node's certificate on both sides, a
    /// peer certificate required, and no trust roots at all. The custom verification callbacks
    /// (`PeerLink`, the listener) replace chain validation with the charter's pins.
    static func makeTLSContexts(
        _ config: PeerNetworkConfiguration
    ) throws(PeerNetworkError) -> (client: NIOSSLContext, server: NIOSSLContext) {
        do {
            let certificate = try NIOSSLCertificate(bytes: config.certificatePEM, format: .pem)
            let key = try NIOSSLPrivateKey(bytes: config.privateKeyPEM, format: .pem)
            var server = TLSConfiguration.makeServerConfiguration(
                certificateChain: [.certificate(certificate)],
                privateKey: .privateKey(key)
            )
            var client = TLSConfiguration.makeClientConfiguration()
            client.certificateChain = [.certificate(certificate)]
            client.privateKey = .privateKey(key)
            pinOnly(&client)
            pinOnly(&server)
            return (try NIOSSLContext(configuration: client), try NIOSSLContext(configuration: server))
        } catch {
            throw PeerNetworkError(.tls, "cannot build the TLS contexts from the node's certificate and key: \(error)")
        }
    }

    /// TLS 1.3 only; a peer certificate required (asked for, on the server side); no trust roots,
    /// so nothing but the custom callback can accept a peer.
    private static func pinOnly(_ tls: inout TLSConfiguration) {
        tls.minimumTLSVersion = .tlsv13
        tls.maximumTLSVersion = .tlsv13
        tls.certificateVerification = .noHostnameVerification
        tls.trustRoots = .certificates([])
    }

    /// The hello frame body this node sends first on every outbound connection.
    static func hello(_ nodeID: String, codec: WireCodec) throws(PeerNetworkError) -> [UInt8] {
        do {
            return try codec.encodeHello(nodeID)
        } catch {
            throw PeerNetworkError(.config, "node id \(nodeID) cannot be encoded: \(error)")
        }
    }
}
