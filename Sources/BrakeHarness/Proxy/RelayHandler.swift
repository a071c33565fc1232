import NIOCore

/// Copies the bytes one side of a proxied connection reads to the other side, and closes the other
/// side when this one closes.
///
/// Both channels of a proxied connection live on one event loop, so the handler touches its
/// partner without hopping threads. Back pressure: when this side cannot write, the partner stops
/// reading, so a slow receiver never makes the proxy buffer without bound.
final class RelayHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The other side of the connection; nil until the outbound connection is made.
    private var partner: (any Channel)?

    init(partner: (any Channel)? = nil) {
        self.partner = partner
    }

    /// Pairs this side with its partner once the outbound connection is up.
    func pair(with channel: any Channel) {
        partner = channel
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner?.write(Self.unwrapInboundIn(data), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner?.close(promise: nil)
        partner = nil
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // Let the partner read only while this side can take what it reads.
        partner?.setOption(ChannelOptions.autoRead, value: context.channel.isWritable).whenFailure { _ in }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset or a refused peer ends this connection and nothing else.
        context.close(promise: nil)
    }
}
