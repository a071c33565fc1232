import BrakeRaft
import NIOCore
import NIOPosix
import NIOSSL

extension PeerNetwork {
    /// The listener: each accepted connection gets TLS that authenticates the client's key
    /// against the charter's pins as they are at the handshake, a frame decoder under the cap, and an `InboundPeerHandler`.
    func bootstrapListener() -> ServerBootstrap {
        ServerBootstrap(group: configuration.group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                guard track(channel) else {
                    return channel.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
                }
                return channel.eventLoop.makeCompletedFuture {
                    try addInboundHandlers(to: channel)
                }
            }
    }

    /// Adds the handlers of one inbound connection.
    private func addInboundHandlers(to channel: any Channel) throws {
        let identity = InboundPeerHandler.Identity()
        let sink = self.sink
        let channelID = ObjectIdentifier(channel)
        let ssl = NIOSSLServerHandler(context: serverTLS) { [self] chain, promise in
            // The pins accepted now: they follow the charter (`updatePeers`).
            guard let leaf = chain.first, let pin = PeerPin.of(leaf),
                  let node = authenticateInbound(pin: pin, channel: channelID) else {
                sink.count { $0.refusedHandshakes += 1 }
                sink.logger.warning("refused inbound peer: its TLS key matches no charter node's pin")
                promise.succeed(.failed)
                return
            }
            identity.nodeID = node
            promise.succeed(.certificateVerified)
        }
        let handler = InboundPeerHandler(
            localID: configuration.nodeID,
            codec: codec,
            identity: identity,
            sink: sink,
            helloTimeout: configuration.helloTimeout.timeAmount
        )
        try channel.pipeline.syncOperations.addHandlers(
            ssl,
            ByteToMessageHandler(FrameDecoder(cap: configuration.frameCap)),
            handler
        )
    }

    /// Records an inbound channel so `shutdown()` can close it; false once shutting down.
    private func track(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let accepted = state.withLock { state -> Bool in
            guard state.phase == .running else { return false }
            state.inbound[id] = channel
            return true
        }
        if accepted {
            channel.closeFuture.whenComplete { [self] _ in
                state.withLock { state in
                    state.inbound[id] = nil
                    state.inboundNodes[id] = nil
                }
            }
        }
        return accepted
    }
}
