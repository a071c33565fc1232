import AsyncHTTPClient
import BrakeCore
import Foundation
import NIOCore
import NIOHTTP1

/// A client of one node's local API (HTTP/1.1 + JSON over its Unix socket).
///
/// Every call has a deadline: a stopped node accepts connections but never answers, and the harness
/// must record that as "no answer" rather than wait forever.
public struct NodeAPI: Sendable {
    /// The node's Unix socket.
    public let socket: String

    /// A client of the API on `socket`.
    public init(socket: String) {
        self.socket = socket
    }

    /// An HTTP reply.
    public struct Reply: Sendable {
        /// The HTTP status.
        public var status: Int
        /// The body.
        public var body: [UInt8]

        /// The error code of a `{"error":{"code"...}}` body.
        public var errorCode: String? {
            struct Body: Decodable { struct Detail: Decodable { var code: String }; var error: Detail }
            return (try? JSONDecoder().decode(Body.self, from: Data(body)))?.error.code
        }

        /// Decodes the body.
        public func decode<T: Decodable>(_ type: T.Type) throws -> T {
            do {
                return try JSONDecoder().decode(type, from: Data(body))
            } catch {
                throw HarnessError(.node, "unexpected reply (\(status)): \(String(decoding: body.prefix(300), as: UTF8.self))")
            }
        }
    }

    /// Sends one request and collects the reply.
    public func send(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, timeout: Duration = .seconds(5)) async throws -> Reply {
        guard let url = URL(httpURLWithSocketPath: socket, uri: path) else {
            throw HarnessError(.usage, "cannot make a URL for \(socket) \(path)")
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let millis = Int64(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(millis))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), body: Array(buffer: bytes))
    }

    /// `GET /v1/status`.
    public func status(timeout: Duration = .seconds(2)) async throws -> NodeStatusView {
        try await send(.GET, "/v1/status", timeout: timeout).decode(NodeStatusView.self)
    }

    /// `GET /v1/check?scope=S&max-staleness=Nms`.
    public func check(_ scope: String, maxStalenessMillis: Int, timeout: Duration = .seconds(2)) async throws -> CheckAnswer {
        let path = "/v1/check?scope=\(scope)&max-staleness=\(maxStalenessMillis)ms"
        return try await send(.GET, path, timeout: timeout).decode(CheckAnswer.self)
    }

    /// `POST /v1/declarations` of a signed envelope; the reply as it is (2xx or an error body).
    public func submit(_ envelope: Envelope, timeout: Duration = .seconds(10)) async throws -> Reply {
        try await send(.POST, "/v1/declarations", body: envelope.jsonBytes(), timeout: timeout)
    }

    /// The whole committed log, page by page.
    public func log(timeout: Duration = .seconds(10)) async throws -> [LoggedEntry] {
        struct Page: Decodable { var entries: [LoggedEntry] }
        var entries: [LoggedEntry] = []
        var from: UInt64 = 1
        while true {
            let page = try await send(.GET, "/v1/log?from=\(from)&limit=1000", timeout: timeout).decode(Page.self)
            guard let last = page.entries.last else { return entries }
            entries += page.entries
            from = last.index + 1
        }
    }

    /// `GET /v1/pauses`.
    public func pauses(timeout: Duration = .seconds(5)) async throws -> [PauseSummary] {
        struct Body: Decodable { var pauses: [PauseSummary] }
        return try await send(.GET, "/v1/pauses", timeout: timeout).decode(Body.self).pauses
    }
}

/// What the harness reads from `/v1/status`; fields a node does not send are nil.
public struct NodeStatusView: Codable, Sendable, Hashable {
    public var node: String?
    public var party: String?
    public var term: UInt64?
    public var role: String?
    public var leader: String?
    public var commitIndex: UInt64?
    public var appliedIndex: UInt64?
    public var lastIndex: UInt64?
    public var fresh: Bool?
    public var halted: String?
    /// A digest of the registry state, when the node reports one: equal digests, equal registries.
    public var registryDigest: String?
}

/// What the harness reads from `/v1/check`.
public struct CheckAnswer: Codable, Sendable, Hashable {
    /// `clear`, `paused` or `unknown`.
    public var verdict: String
    /// Why, for `unknown`.
    public var reason: String?
}

/// One committed entry as `/v1/log` shows it.
public struct LoggedEntry: Codable, Sendable, Hashable {
    public var index: UInt64
    public var term: UInt64
    public var noop: Bool?
    /// The leader's timestamp, as the node shows it.
    public var time: String?
    /// The declaration envelope's JSON text; nil for a no-op.
    public var declaration: String?

    /// Creates an entry (for histories built by hand).
    public init(index: UInt64, term: UInt64, time: String? = nil, declaration: String?) {
        self.index = index
        self.term = term
        self.noop = declaration == nil
        self.time = time
        self.declaration = declaration
    }
}

/// A pause as `/v1/pauses` shows it: the fields the history checker needs.
public struct PauseSummary: Codable, Sendable, Hashable {
    public var id: String
    public var scope: String
    public var triggeredAt: UInt64
    public var liftedAt: UInt64?
    public var liftedBy: String?

    /// Creates a summary (for histories built by hand).
    public init(id: String, scope: String, triggeredAt: UInt64, liftedAt: UInt64? = nil, liftedBy: String? = nil) {
        self.id = id
        self.scope = scope
        self.triggeredAt = triggeredAt
        self.liftedAt = liftedAt
        self.liftedBy = liftedBy
    }
}
