import NIOCore
import NIOHTTP1
import Synchronization

/// The requests a closed-loop load sends, shared by all its connections: either a list of distinct
/// bodies (pre-signed declarations, each sent once) or one request repeated (a `check`), until the
/// list runs out or the deadline passes, whichever comes first.
///
/// Bodies are encoded before the clock starts, so a client's signing and JSON work is never part of
/// what the benchmark measures.
public final class RequestSource: Sendable {
    /// One request, ready to write.
    public struct Request: Sendable {
        /// Method, path and headers (with `Content-Length`).
        public var head: HTTPRequestHead
        /// The body, if any.
        public var body: ByteBuffer?
    }

    private let method: HTTPMethod
    private let path: String
    private let bodies: [ByteBuffer]?
    private let deadline: NIODeadline
    private let limit: Int
    private let nextIndex = Atomic<Int>(0)
    /// Whether connections keep the body of the last answer (for a probe that reads it).
    let keepsBody: Bool

    /// `POST path` once per body, in order, until the bodies or the time run out.
    public init(posting bodies: [ByteBuffer], to path: String, until deadline: NIODeadline) {
        self.method = .POST
        self.path = path
        self.bodies = bodies
        self.deadline = deadline
        self.limit = bodies.count
        self.keepsBody = false
    }

    /// `GET path` again and again until `deadline`.
    public init(getting path: String, until deadline: NIODeadline) {
        self.method = .GET
        self.path = path
        self.bodies = nil
        self.deadline = deadline
        self.limit = .max
        self.keepsBody = false
    }

    /// `GET path` once, keeping the answer's body: a probe of whether a node answers, and what.
    public init(probing path: String, within timeout: TimeAmount) {
        self.method = .GET
        self.path = path
        self.bodies = nil
        self.deadline = .now() + timeout
        self.limit = 1
        self.keepsBody = true
    }

    /// The next request, or nil when the load is over.
    func next() -> Request? {
        guard NIODeadline.now() < deadline else { return nil }
        var headers = HTTPHeaders([("Host", "localhost")])
        let index = limit == .max ? 0 : nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
        guard index < limit else { return nil }
        guard let bodies else {
            headers.add(name: "Content-Length", value: "0")
            return Request(head: HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers), body: nil)
        }
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(bodies[index].readableBytes))
        return Request(head: HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers), body: bodies[index])
    }
}
