import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Answers `GET /v1/check` on the connection's event loop, without the router's task: a local check
/// reads only the state the driver published, so it needs no `await`, and the hop to a Swift task
/// and back was most of its cost (Specs/bench.md). A linearizable check, any other request, and a
/// check that arrives while an earlier request on the connection is still being answered go to the
/// router as before, so answers stay in request order; so does any check while the connection's
/// outbound buffer is full.
///
/// It sits after Hummingbird's connection state handler, which therefore sees every request and
/// response (keep-alive, `Connection: close`, the idle timeout and graceful shutdown work as for
/// any route), and before the router's channel.
final class CheckFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The answer to a check's URI when it needs no driver, or nil (the route answers it).
    let answer: @Sendable (URI) -> APIResponses.Answer?
    let serverName: String
    /// Requests passed to the router whose response has not ended yet.
    private var routed = 0
    /// A check's head held until its end arrives, to be answered here.
    private var held: (head: HTTPRequest, answer: APIResponses.Answer)?
    /// The `Date` header's value, formatted once per second.
    private var date: (second: Int, text: String) = (-1, "")

    init(serverName: String, answer: @escaping @Sendable (URI) -> APIResponses.Answer?) {
        self.serverName = serverName
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            // A client that pipelines checks without reading the answers fills the outbound buffer:
            // once the channel is not writable the router answers, which waits for writability and
            // stops reading (so such a client cannot make the node buffer without bound).
            if routed == 0, context.channel.isWritable, let answer = quickAnswer(head) {
                held = (head, answer)
                return
            }
            routed += 1
        case .body:
            // A check with a body is unusual: the router answers it, body and all.
            if let (head, _) = held {
                held = nil
                routed += 1
                context.fireChannelRead(wrapInboundOut(.head(head)))
            }
        case .end:
            if let (_, answer) = held {
                held = nil
                write(answer, context: context)
                return
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { routed -= 1 }
        context.write(data, promise: promise)
    }

    /// The answer for a local check, or nil when the router must answer `head` (also a request
    /// that asks to close the connection after it: the router's loop does the closing).
    private func quickAnswer(_ head: HTTPRequest) -> APIResponses.Answer? {
        guard head.method == .get, let path = head.path, path == "/v1/check" || path.hasPrefix("/v1/check?"),
              head.headerFields[.connection] == nil else { return nil }
        return answer(URI(path))
    }

    /// Writes the answer as the router would: the same status, headers and body.
    private func write(_ answer: APIResponses.Answer, context: ChannelHandlerContext) {
        var fields: HTTPFields = [.contentType: "application/json"]
        fields[.contentLength] = String(answer.body.count)
        fields[.date] = currentDate()
        fields[.server] = serverName
        context.write(wrapOutboundOut(.head(HTTPResponse(status: answer.status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: answer.body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

extension CheckFastPath {
    /// The HTTP date of now (RFC 9110 IMF-fixdate, as the router writes it), reformatted only when the second changes.
    private func currentDate() -> String {
        let now = Int(Date().timeIntervalSince1970)
        if now != date.second { date = (now, Self.httpDate(now)) }
        return date.text
    }

    static func httpDate(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}

/// Hummingbird's HTTP/1.1 child channel with `CheckFastPath` placed after its connection state handler.
struct HTTP1ChannelWithCheckFastPath: ServerChildChannel {
    let inner: HTTP1Channel
    let serverName: String
    let answer: @Sendable (URI) -> APIResponses.Answer?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let state = try pipeline.context(handlerType: HTTPConnectionStateHandler.self)
            try pipeline.addHandler(CheckFastPath(serverName: serverName, answer: answer), position: .after(state.handler))
            return value
        }
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
