import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The OpenAPI document of the local API (Specs/openapi.yaml) and its checker
/// (Tests/Tools/openapi_check.py), run in the Python environment that Deploy/install-deps.sh makes.
enum OpenAPIChecker {
    /// The repository root, three levels above this file.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static var document: String { root + "/Specs/openapi.yaml" }
    static var script: String { root + "/Tests/Tools/openapi_check.py" }
    /// `$BRAKE_PYTHON`, or the environment Deploy/install-deps.sh makes under `.build-tools/python`.
    static var python: String {
        ProcessInfo.processInfo.environment["BRAKE_PYTHON"] ?? root + "/.build-tools/python/bin/python3"
    }

    /// Runs the checker with `arguments`; its exit status and everything it printed.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw TestFailure("no Python for the OpenAPI checker at \(python): run Deploy/install-deps.sh, or set BRAKE_PYTHON")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// Checks recorded exchanges against the document; with `everyOperation`, an operation that
    /// none of them exercised fails too.
    static func check(_ exchanges: [Exchange], everyOperation: Bool = false) throws -> (status: Int32, output: String) {
        let file = NSTemporaryDirectory() + "brake-openapi-\(UUID().uuidString.prefix(8)).json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(exchanges).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try run(["check", document, file] + (everyOperation ? ["--require-every-operation"] : []))
    }

    /// The lines the checker prints for `command` (`operations`, `error-codes`).
    static func lines(_ command: String) throws -> [String] {
        let result = try run([command, document])
        guard result.status == 0 else { throw TestFailure("openapi_check.py \(command) failed: \(result.output)") }
        return result.output.split(separator: "\n").map(String.init)
    }
}

/// One request and the real response to it, as the checker reads it.
struct Exchange: Encodable {
    /// The method, upper case.
    var method: String
    /// The path as the document spells it (`/v1/motions/{id}`).
    var path: String
    /// The request target that was sent, for the checker's messages.
    var request: String
    var status: Int
    var contentType: String
    var body: String
    /// A schema of the document to check the body against instead of an operation's (for an
    /// unknown route, which no operation describes).
    var schema: String?
}

/// Sends requests to a node and keeps every exchange for the checker.
final class ExchangeLog {
    let node: BrakedProcess
    private(set) var exchanges: [Exchange] = []

    init(node: BrakedProcess) { self.node = node }

    /// Sends `method target` (with `body`), records it under the document's `path`, and returns the reply.
    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, _ target: String? = nil, body: [UInt8]? = nil, schema: String? = nil) async throws -> BrakedProcess.Reply {
        let reply = try await node.send(method, target ?? path, body: body)
        exchanges.append(Exchange(
            method: method.rawValue, path: path, request: target ?? path, status: reply.status,
            contentType: reply.contentType, body: String(decoding: reply.body, as: UTF8.self), schema: schema
        ))
        return reply
    }

    /// Records an exchange made another way (a stream read until a condition).
    func record(_ exchange: Exchange) { exchanges.append(exchange) }
}

/// Reads `GET target` of a node as a stream until `until` holds for the text read so far, or the
/// deadline passes; returns the status, content type and text read.
func readStream(
    node: BrakedProcess, _ target: String, headers: [(String, String)] = [], seconds: Int64 = 10,
    until: @Sendable (String) -> Bool
) async throws -> (status: Int, contentType: String, text: String, complete: Bool) {
    var request = HTTPClientRequest(url: URL(httpURLWithSocketPath: node.socketPath, uri: target)!.absoluteString)
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    let response = try await HTTPClient.shared.execute(request, deadline: .now() + .seconds(seconds))
    var text = ""
    var complete = false
    do {
        for try await chunk in response.body {
            text += String(buffer: chunk)
            if until(text) { complete = true; break }
        }
    } catch {
        // The deadline passed before the condition held: the caller reports what was read.
    }
    return (Int(response.status.code), response.headers["Content-Type"].first ?? "", text, complete)
}
