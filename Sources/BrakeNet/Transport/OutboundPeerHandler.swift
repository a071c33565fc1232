import NIOCore
import NIOSSL
import NIOTLS

/// The last handler of an outbound (send-only) peer connection: it tells the connection's
/// `PeerLink` when TLS is up, when the socket can take more and when the connection is gone.
///
/// The listener never writes on this connection (each direction has its own), so anything read
/// is discarded.
final class OutboundPeerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let link: PeerLink

    init(link: PeerLink) {
        self.link = link
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted = tlsEvent {
            link.handshakeCompleted(context.channel)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        link.writabilityChanged(context.channel)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        link.closed(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        link.failed(context.channel, error)
        context.close(promise: nil)
    }
}
