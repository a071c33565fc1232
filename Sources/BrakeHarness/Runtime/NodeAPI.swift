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
