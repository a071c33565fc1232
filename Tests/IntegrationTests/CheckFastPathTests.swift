import Foundation
import Testing

/// `check` is answered on the connection's event loop when it can be (`CheckFastPath`), and through
/// the router otherwise. A client must not be able to tell: the same bytes either way, HTTP/1.1
/// answers in request order however requests are pipelined, and `Connection: close` honoured.
@Suite("Check fast path", .serialized)
struct CheckFastPathTests {
    @Test("pipelined requests are answered in order, and a check answers the same bytes either way")
    func pipelinedInOrder() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        let connection = try RawHTTPConnection(socket: node.socketPath)
        // A local check (the fast path, nothing being answered before it), then requests the router
        // answers, with local checks pipelined behind them, all in one write.
        let paths = [
            "/v1/check?scope=training/frontier",
            "/v1/status",
            "/v1/check?scope=training/frontier",
            "/v1/check?scope=training/frontier&consistency=linearizable",
            "/v1/charter/history",
            "/v1/check?scope=training/frontier",
            "/v1/check",
            "/v1/check?scope=training/frontier",
        ]
        try connection.send(paths.map { "GET \($0) HTTP/1.1\r\nHost: brake\r\n\r\n" }.joined())
        let answers = try connection.readResponses(paths.count)
        let kinds = answers.map { answer -> String in
            let json = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any] ?? [:]
            if json["charters"] != nil { return "history" }
            if json["verdict"] != nil { return "check" }
            if json["role"] != nil { return "status" }
            if json["error"] != nil { return "error" }
            return "other: \(String(decoding: answer.body, as: UTF8.self).prefix(80))"
        }
        #expect(kinds == ["check", "status", "check", "check", "history", "check", "error", "check"], "answers in order: \(kinds)")
        // Every local check, however it was answered, and the linearizable one (always the router's)
        // are the same bytes, headers and body, but for the second the Date header shows.
        let checks = [0, 2, 3, 5, 7].map { answers[$0] }
        #expect(checks.allSatisfy { $0.head.contains("\r\nDate: ") }, "\(checks.map(\.head))")
        let undated = checks.map { answer in
            answer.head.split(separator: "\r\n").filter { !$0.hasPrefix("Date: ") }.joined(separator: "\n") + String(decoding: answer.body, as: UTF8.self)
        }
        #expect(Set(undated).count == 1, "check answers differ:\n\(undated.joined(separator: "\n"))")
        #expect(answers[0].head.contains("HTTP/1.1 200"), "\(answers[0].head)")
        #expect(answers[0].head.lowercased().contains("server: braked"), "\(answers[0].head)")
        #expect(answers[6].head.contains("HTTP/1.1 400"), "a check without a scope: \(answers[6].head)")
    }

    @Test("a check with Connection: close is answered, then the connection closes")
    func connectionClose() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        let connection = try RawHTTPConnection(socket: node.socketPath)
        try connection.send("GET /v1/check?scope=training HTTP/1.1\r\nHost: brake\r\nConnection: close\r\n\r\n")
        let answer = try #require(try connection.readResponses(1).first)
        #expect(answer.head.contains("HTTP/1.1 200"), "\(answer.head)")
        #expect(try connection.readUntilClosed().isEmpty, "bytes after the answer to a Connection: close request")
    }
}

/// One HTTP/1.1 connection on a Unix socket, written and read byte by byte, so a test can pipeline
/// requests and see exactly what the server sends back. Reads time out after 10 s.
final class RawHTTPConnection {
    struct Answer {
        var head: String
        var body: [UInt8]
    }

    let fd: Int32
    private var buffer: [UInt8] = []

    init(socket path: String) throws {
        fd = connectUnix(path)
        guard fd >= 0 else { throw TestFailure("cannot connect to \(path): errno \(errno)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw TestFailure("write failed: errno \(errno)") }
            sent += n
        }
    }

    /// Reads `count` whole responses (each with a Content-Length).
    func readResponses(_ count: Int) throws -> [Answer] {
        var answers: [Answer] = []
        while answers.count < count {
            if let answer = try nextResponse() {
                answers.append(answer)
            } else if try fill() == 0 {
                throw TestFailure("the connection closed after \(answers.count) of \(count) answers")
            }
        }
        return answers
    }

    /// Reads until the server closes the connection; what it sent meanwhile.
    func readUntilClosed() throws -> [UInt8] {
        while try fill() > 0 {}
        defer { buffer.removeAll() }
        return buffer
    }

    private func fill() throws -> Int {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n >= 0 else { throw TestFailure("read failed or timed out: errno \(errno), \(buffer.count) bytes unparsed") }
        buffer += chunk[..<n]
        return n
    }

    private func nextResponse() throws -> Answer? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = (0..<max(0, buffer.count - 3)).first(where: { Array(buffer[$0..<$0 + 4]) == separator }) else { return nil }
        let head = String(decoding: buffer[..<end], as: UTF8.self)
        let lengthLine = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
        guard let length = lengthLine.flatMap({ Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }) else {
            throw TestFailure("an answer without Content-Length: \(head)")
        }
        let total = end + 4 + length
        guard buffer.count >= total else { return nil }
        let answer = Answer(head: head, body: Array(buffer[(end + 4)..<total]))
        buffer.removeFirst(total)
        return answer
    }
}
