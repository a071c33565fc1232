import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Bounds the API's open connections without letting idle ones lock anyone out.
///
/// A node accepts every connection, and when that makes more than `limit` open, closes the one
/// that has been idle longest (no request in progress); if every other connection is busy, it
/// closes the newcomer instead. So a client that holds hundreds of idle connections only loses
/// them, while a `check` always gets through; the open count never exceeds `limit` for longer
/// than one accept. (Stopping accepting at the limit would leave new clients queued behind idle
/// connections until their idle timeout.)
final class ConnectionGovernor: Sendable {
    struct Connection {
        let channel: any Channel
        var busy: Bool
        var idleSince: NIODeadline
    }

    private let open = Mutex<[ObjectIdentifier: Connection]>([:])
    private let evictions = Atomic<Int>(0)
    /// The most connections kept open.
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Open connections now.
    var count: Int { open.withLock { $0.count } }
    /// Connections closed to make room, since start.
    var evicted: Int { evictions.load(ordering: .relaxed) }

    /// The handler that reports one connection's life to the governor.
    func handler() -> Handler { Handler(governor: self) }

    func opened(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        let excess: (any Channel)? = open.withLock { open in
            open[id] = Connection(channel: channel, busy: false, idleSince: .now())
            guard open.count > limit else { return nil }
            let idlest = open.filter { $0.key != id && !$0.value.busy }.min { $0.value.idleSince < $1.value.idleSince }
            let victim = idlest?.key ?? id
            return open.removeValue(forKey: victim)?.channel
        }
        guard let excess else { return }
        evictions.wrappingAdd(1, ordering: .relaxed)
        excess.close(promise: nil)
    }

    func setBusy(_ channel: any Channel, _ busy: Bool) {
        open.withLock { open in
            open[ObjectIdentifier(channel)]?.busy = busy
            if !busy { open[ObjectIdentifier(channel)]?.idleSince = .now() }
        }
    }

    func closed(_ channel: any Channel) {
        _ = open.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Marks its connection busy from a request's head until its response's end.
    final class Handler: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPRequestPart
        typealias InboundOut = HTTPRequestPart
        typealias OutboundIn = HTTPResponsePart
        typealias OutboundOut = HTTPResponsePart

        let governor: ConnectionGovernor

        init(governor: ConnectionGovernor) {
            self.governor = governor
        }

        func handlerAdded(context: ChannelHandlerContext) {
            governor.opened(context.channel)
            context.channel.closeFuture.whenComplete { [governor, channel = context.channel] _ in governor.closed(channel) }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .head = unwrapInboundIn(data) { governor.setBusy(context.channel, true) }
            context.fireChannelRead(data)
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if case .end = unwrapOutboundIn(data) { governor.setBusy(context.channel, false) }
            context.write(data, promise: promise)
        }
    }
}
