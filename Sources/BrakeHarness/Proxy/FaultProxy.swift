import NIOCore
import NIOPosix
import Synchronization

/// A TCP proxy on loopback for one directed peer link (node i dials it, it forwards to node j), which
/// the harness can cut and heal.
///
/// Brake nodes send their messages to a peer only on the connection they dialled themselves, so one
/// proxy per direction lets a test cut i→j while j→i still flows: one-way partitions, no root, no
/// containers. A cut closes every open connection and refuses new ones (each is accepted and closed
/// at once, as a dead link looks to a dialler); a heal lets new connections through again.
public final class FaultProxy: Sendable {
    /// Whether the link passes traffic.
    public enum Mode: String, Sendable, Codable {
        /// Connections are forwarded to the target.
        case pass
        /// Open connections were closed and new ones are refused.
        case cut
    }

    /// The loopback port the proxy listens on.
    public let port: Int
    /// Where connections are forwarded.
    public let targetHost: String
    /// The target's port.
    public let targetPort: Int
    private let serverChannel: any Channel
    private let links: ProxyConnections

    private init(port: Int, targetHost: String, targetPort: Int, serverChannel: any Channel, links: ProxyConnections) {
        self.port = port
        self.targetHost = targetHost
        self.targetPort = targetPort
        self.serverChannel = serverChannel
        self.links = links
    }

    /// Starts a proxy on `host:port` (port 0: any free port) that forwards to `targetHost:targetPort`.
    public static func start(
        host: String = "127.0.0.1", port: Int = 0, targetHost: String = "127.0.0.1", targetPort: Int,
        group: any EventLoopGroup
    ) async throws -> FaultProxy {
        let links = ProxyConnections()
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { inbound in
                Self.forward(inbound, to: targetHost, port: targetPort, links: links)
            }
            .bind(host: host, port: port)
            .get()
        guard let bound = server.localAddress?.port else {
            try? await server.close()
            throw HarnessError(.proxy, "the proxy on \(host):\(port) has no local port")
        }
        return FaultProxy(port: bound, targetHost: targetHost, targetPort: targetPort, serverChannel: server, links: links)
    }

    /// Connects an accepted connection to the target before it is registered, so nothing is read
    /// until both sides exist. A failed future makes NIO close the accepted connection.
    private static func forward(
        _ inbound: any Channel, to host: String, port: Int, links: ProxyConnections
    ) -> EventLoopFuture<Void> {
        guard links.mode == .pass else {
            return inbound.eventLoop.makeFailedFuture(HarnessError(.proxy, "link is cut"))
        }
        let relay = NIOLoopBound(RelayHandler(), eventLoop: inbound.eventLoop)
        do {
            try inbound.pipeline.syncOperations.addHandler(relay.value)
        } catch {
            return inbound.eventLoop.makeFailedFuture(error)
        }
        return ClientBootstrap(group: inbound.eventLoop)
            .connectTimeout(.seconds(2))
            .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { outbound in
                outbound.eventLoop.makeCompletedFuture {
                    try outbound.pipeline.syncOperations.addHandler(RelayHandler(partner: inbound))
                }
            }
            .connect(host: host, port: port)
            .flatMapThrowing { outbound in
                guard links.track(inbound, outbound) else {
                    outbound.close(promise: nil)
                    throw HarnessError(.proxy, "link was cut while connecting")
                }
                relay.value.pair(with: outbound)
            }
    }

    /// Whether the proxy passes traffic now.
    public var mode: Mode { links.mode }

    /// How many proxied connections are open now.
    public var openConnections: Int { links.openCount }

    /// Cuts the link: refuses new connections and closes the open ones; returns once they are closed.
    public func cut() async {
        let open = links.cut()
        for channel in open {
            try? await channel.close()
        }
    }

    /// Heals the link: new connections pass again (the nodes reconnect by themselves).
    public func heal() {
        links.heal()
    }

    /// Stops listening and closes every connection.
    public func close() async {
        await cut()
        try? await serverChannel.close()
    }
}
