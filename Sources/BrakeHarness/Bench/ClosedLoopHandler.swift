import Histogram
import NIOCore
import NIOHTTP1

/// One client connection of a closed-loop load: it sends a request, waits for the whole answer,
/// records the latency, and sends the next, all on its event loop, so no task hop or lock sits
/// between two requests and the client adds as little as it can to what is measured.
///
/// The latency of a request runs from the moment its head is written to the moment the last byte
/// of its answer is parsed. Only `2xx` answers go into the histogram; every status is counted.
final class ClosedLoopHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// What one connection did.
    struct Outcome: Sendable {
        /// Latencies of the `2xx` answers, in microseconds.
        var latencies: Histogram<UInt64>
        /// Answers by HTTP status.
        var statuses: [Int: Int]
        /// Why the connection ended early, if it did.
        var failure: String?
        /// The last answer's body, when the source asks for it.
        var lastBody: [UInt8]?
    }

    private let source: RequestSource
    private let done: EventLoopPromise<Outcome>
    private var outcome = Outcome(latencies: LatencyFigures.emptyHistogram(), statuses: [:])
    private var sentAt: NIODeadline?
    private var status = 0
    private var body: [UInt8] = []
    private var finished = false

    init(source: RequestSource, done: EventLoopPromise<Outcome>) {
        self.source = source
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) {
        sendNext(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
        case .body(let part):
            if source.keepsBody { body += part.readableBytesView }
        case .end:
            if source.keepsBody {
                outcome.lastBody = body
                body = []
            }
            if let sentAt, (200..<300).contains(status) {
                let micros = (NIODeadline.now() - sentAt).nanoseconds / 1_000
                _ = outcome.latencies.record(UInt64(max(micros, 1)))
            }
            outcome.statuses[status, default: 0] += 1
            sentAt = nil
            sendNext(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(context: context, failure: sentAt == nil ? nil : "the node closed the connection mid-request")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(context: context, failure: "\(error)")
        context.close(promise: nil)
    }

    private func sendNext(context: ChannelHandlerContext) {
        guard !finished else { return }
        guard let request = source.next() else {
            finish(context: context, failure: nil)
            context.close(promise: nil)
            return
        }
        sentAt = NIODeadline.now()
        context.write(wrapOutboundOut(.head(request.head)), promise: nil)
        if let body = request.body {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    private func finish(context: ChannelHandlerContext, failure: String?) {
        guard !finished else { return }
        finished = true
        outcome.failure = failure
        done.succeed(outcome)
    }
}
