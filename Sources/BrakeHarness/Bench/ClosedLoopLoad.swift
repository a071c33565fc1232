import Histogram
import NIOCore
import NIOHTTP1
import NIOPosix

/// A closed-loop load on one node's local API: `connections` HTTP/1.1 connections over its Unix
/// socket, each with one request in flight at a time, drawing requests from one `RequestSource`.
///
/// The client runs on one event-loop thread of its own, so on a small machine it leaves the other
/// cores to the nodes under test.
public struct ClosedLoopLoad: Sendable {
    /// What a load achieved.
    public struct Result: Sendable {
        /// Latencies of the `2xx` answers, in microseconds.
        public var latencies: Histogram<UInt64>
        /// Answers by HTTP status.
        public var statuses: [Int: Int]
        /// Wall time from the first connection to the last answer.
        public var seconds: Double
        /// Connection failures, one line each.
        public var failures: [String]
        /// The body of a probe's answer (`RequestSource(probing:within:)`).
        public var lastBody: [UInt8]?

        /// The `2xx` answers.
        public var succeeded: Int { statuses.filter { (200..<300).contains($0.key) }.values.reduce(0, +) }
        /// Answers that were not `2xx`.
        public var refused: Int { statuses.filter { !(200..<300).contains($0.key) }.values.reduce(0, +) }
        /// `2xx` answers per second.
        public var perSecond: Double { seconds > 0 ? Double(succeeded) / seconds : 0 }
    }

    /// The node's Unix socket.
    public var socket: String
    /// How many connections (clients).
    public var connections: Int

    /// A load of `connections` clients on `socket`.
    public init(socket: String, connections: Int) {
        self.socket = socket
        self.connections = connections
    }

    /// The client's event loop: one thread, shared by every load of the process.
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// Runs the load until `source` runs out and every answer is in.
    public func run(_ source: RequestSource) async throws -> Result {
        let started = NIODeadline.now()
        var outcomes: [EventLoopFuture<ClosedLoopHandler.Outcome>] = []
        let loop = Self.group.next()
        for _ in 0..<connections {
            let done = loop.makePromise(of: ClosedLoopHandler.Outcome.self)
            let bootstrap = ClientBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(ClosedLoopHandler(source: source, done: done))
                    }
                }
            do {
                _ = try await bootstrap.connect(unixDomainSocketPath: socket).get()
            } catch {
                done.fail(error)
                throw HarnessError(.node, "cannot connect to \(socket): \(error)")
            }
            outcomes.append(done.futureResult)
        }
        var result = Result(latencies: LatencyFigures.emptyHistogram(), statuses: [:], seconds: 0, failures: [])
        for outcome in outcomes {
            let one = try await outcome.get()
            result.latencies.add(one.latencies)
            result.statuses.merge(one.statuses, uniquingKeysWith: +)
            if let failure = one.failure { result.failures.append(failure) }
            if let body = one.lastBody { result.lastBody = body }
        }
        result.seconds = Double((NIODeadline.now() - started).nanoseconds) / 1e9
        return result
    }
}
