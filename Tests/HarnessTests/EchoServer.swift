import BrakeHarness
import NIOCore
import NIOPosix
import Synchronization

/// Echoes every byte back: the target behind a proxy under test.
final class EchoHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(data, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Runs `body` with a loopback echo server's port, and closes the server on every path.
func withEcho(_ body: (Int) async throws -> Void) async throws {
    let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(EchoHandler()) }
        }
        .bind(host: "127.0.0.1", port: 0)
        .get()
    do {
        try await body(server.localAddress!.port!)
    } catch {
        try? await server.close()
        throw error
    }
    try? await server.close()
}

/// What a test client received so far, and whether its connection ended.
final class Received: Sendable {
    struct State {
        var text = ""
        var closed = false
    }

    let state = Mutex(State())
}

/// Appends every byte a client reads to `Received`, and marks it closed when the connection ends.
final class CollectingHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let received: Received

    init(_ received: Received) {
        self.received = received
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let chunk = String(buffer: Self.unwrapInboundIn(data))
        received.state.withLock { $0.text += chunk }
    }

    func channelInactive(context: ChannelHandlerContext) {
        received.state.withLock { $0.closed = true }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// A test client: sends text, collects what comes back, notices when the connection closes.
final class LineClient: Sendable {
    private let channel: any Channel
    private let received: Received

    private init(channel: any Channel, received: Received) {
        self.channel = channel
        self.received = received
    }

    /// Connects to 127.0.0.1:port.
    static func connect(port: Int) async throws -> LineClient {
        let received = Received()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(CollectingHandler(received))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return LineClient(channel: channel, received: received)
    }

    /// Sends `text` and returns what comes back; throws if the connection ends first or the echo
    /// does not arrive within 5 s.
    func roundTrip(_ text: String) async throws -> String {
        let before = received.state.withLock { $0.text.count }
        try await channel.writeAndFlush(ByteBuffer(string: text))
        try await Deadline.waitUntil("the echo of \"\(text)\"", timeout: .seconds(5), poll: .milliseconds(10)) {
            let now = self.received.state.withLock { $0 }
            if now.text.count >= before + text.count { return true }
            if now.closed { throw HarnessError(.proxy, "connection ended before the echo of \"\(text)\"") }
            return false
        }
        return received.state.withLock { String($0.text.dropFirst(before).prefix(text.count)) }
    }

    /// Whether the connection ends (EOF or error) within `timeout`.
    func waitClosed(timeout: Duration) async throws -> Bool {
        do {
            try await Deadline.waitUntil("the connection to close", timeout: timeout, poll: .milliseconds(10)) {
                self.received.state.withLock { $0.closed }
            }
            return true
        } catch let error as HarnessError where error.code == .timeout {
            return false
        }
    }

    func close() async {
        try? await channel.close()
    }
}
