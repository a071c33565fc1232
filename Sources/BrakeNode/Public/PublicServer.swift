import BrakeCore
import BrakeReplica
import Hummingbird
import Logging
import NIOCore

/// The optional public, read-only listener (`--public-listen HOST:PORT`, config `publicListen`):
/// plain HTTP for outsiders, meant to sit behind the operator's reverse proxy (which terminates TLS).
///
/// It serves only GETs: the transparency page at `/` with its script and style, and the local API's
/// read routes that an outsider needs to check the federation (charter, log, checkpoint, proofs,
/// evidence, motions, pauses, compliance, events), answered by the very same handlers as on the
/// Unix socket, so the JSON is the same. Every other method is `405` before anything else runs, so
/// nothing on this listener can ever reach the submission route or the driver's write path: the Unix
/// socket stays the only way to write. Each client is rate-limited, every response has a size cap,
/// the log is served in smaller pages, and connections and event streams have their own caps, so
/// the public face can never take the local API's resources.
struct PublicServer: Sendable {
    let configuration: NodeConfiguration
    let logger: Logger
    /// Keeps at most `publicMaxConnections` open, closing the idlest to make room.
    let connections: ConnectionGovernor
    let responder: PublicResponder

    /// How long a public connection may sit idle between requests.
    static let idleTimeout: TimeAmount = .seconds(15)

    /// Creates the public listener over the local API's read handlers; nil when the configuration
    /// sets no `publicListen`.
    init?(api: APIServer, configuration: NodeConfiguration, logger: Logger) {
        guard configuration.publicListen != nil else { return nil }
        self.configuration = configuration
        self.logger = logger
        self.connections = ConnectionGovernor(limit: configuration.publicMaxConnections)
        self.responder = PublicResponder(
            local: api.router().buildResponder(),
            limiter: PublicRateLimiter(perMinute: configuration.publicRequestsPerMinute, burst: configuration.publicBurst),
            trustedProxies: Set(configuration.publicTrustedProxies),
            maxEventStreams: configuration.publicMaxEventStreams)
    }

    /// The Hummingbird application bound to `publicListen`.
    func application() throws(NodeError) -> some ApplicationProtocol {
        let listen = configuration.publicListen ?? ""
        guard let endpoint = NodeInfo.endpoint(of: listen) else {
            throw NodeError(.config, "publicListen: \(listen) — must be HOST:PORT")
        }
        let logger = self.logger
        return Application(
            responder: responder,
            server: .http1(configuration: .init(
                additionalChannelHandlers: [connections.handler()], idleTimeout: Self.idleTimeout)),
            configuration: .init(address: .hostname(endpoint.host, port: endpoint.port), serverName: "braked"),
            onServerRunning: { channel in
                logger.info("public read-only listener on \(channel.localAddress.map { "\($0)" } ?? listen)")
            },
            logger: logger
        )
    }
}
