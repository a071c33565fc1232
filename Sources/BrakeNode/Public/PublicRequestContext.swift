import Hummingbird
import NIOCore

/// The request context of the public listener: Hummingbird's core context, plus the connection the
/// request came on, which the listener needs to know who to rate-limit and to hand the request on
/// to the local API's read routes.
struct PublicRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The TCP peer: the client itself, or the operator's reverse proxy.
    let remoteAddress: SocketAddress?
    /// The connection, which the local API's context is made from when a request is handed on.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.channel = source.channel
    }
}

extension PublicRequestContext {
    /// The source a local API context is made from, for handing this request on.
    var source: ApplicationRequestContextSource { .init(channel: channel, logger: logger) }
}
