import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A client of the local API over the node's Unix socket.
struct NodeClient {
    let socketPath: String

    /// A response: status code and body bytes.
    struct Reply {
        var status: Int
        var body: [UInt8]

        /// The body parsed as a JSON object, if it is one.
        var object: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }

        /// The API error `{"error":{"code","message"}}` in the body, if any.
        var apiError: (code: String, message: String)? {
            guard let error = object?["error"] as? [String: Any] else { return nil }
            return (error["code"] as? String ?? "unknown", error["message"] as? String ?? "")
        }
    }

    /// Fails fast, with the reason, when nothing listens on the socket or the node does not accept
    /// within a second (instead of waiting for the HTTP client's connect timeout).
    func probe() throws(CLIError) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CLIError(.unavailable, "cannot create a socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // A node whose accept backlog is full would block connect(2) on a Unix socket forever;
        // the send timeout bounds it (Linux applies SO_SNDTIMEO to a Unix stream connect).
        var limit = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(socketPath.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw CLIError(.usage, "socket path \(socketPath) is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            throw CLIError(.unavailable, "cannot reach the node at \(socketPath): \(String(cString: strerror(errno)))")
        }
    }

    func url(_ path: String) throws(CLIError) -> String {
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: path) else {
            throw CLIError(.usage, "socket path \(socketPath) cannot be used in a URL")
        }
        return url.absoluteString
    }

    /// Sends a request and collects the reply.
    func send(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, timeout: TimeAmount = .seconds(30)) async throws(CLIError) -> Reply {
        try probe()
        var request = HTTPClientRequest(url: try url(path))
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: 64 << 20)
            return Reply(status: Int(response.status.code), body: Array(buffer: bytes))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw CLIError(.unavailable, "the node at \(socketPath) did not answer within \(timeout.nanoseconds / 1_000_000) ms", code: "timeout")
        } catch {
            throw CLIError(.unavailable, "cannot reach the node at \(socketPath): \(error)")
        }
    }

    /// GETs a JSON document, turning an API error into a `CLIError`.
    func get(_ path: String, timeout: TimeAmount = .seconds(30)) async throws(CLIError) -> Reply {
        let reply = try await send(.GET, path, timeout: timeout)
        guard (200..<300).contains(reply.status) else { throw CLIError(reply: reply) }
        return reply
    }

    /// The federation id of the charter the node serves, which every declaration must name.
    func federation() async throws(CLIError) -> String {
        guard let federation = try await get("/v1/charter").object?["federation"] as? String else {
            throw CLIError(.unavailable, "the node did not return its charter")
        }
        return federation
    }

    /// Streams the response body of a long-lived GET (Server-Sent Events), line by line.
    func streamLines(_ path: String, headers: [(String, String)] = [], onLine: (String) throws -> Void) async throws(CLIError) {
        try probe()
        var request = HTTPClientRequest(url: try url(path))
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .hours(24 * 365))
            guard response.status.code == 200 else {
                let bytes = try await response.body.collect(upTo: 1 << 20)
                throw CLIError(reply: Reply(status: Int(response.status.code), body: Array(buffer: bytes)))
            }
            var pending: [UInt8] = []
            for try await chunk in response.body {
                pending += Array(buffer: chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeSubrange(...newline)
                    try onLine(line)
                }
            }
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError(.unavailable, "event stream from \(socketPath) ended: \(error)")
        }
    }
}
