import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A real `braked --dev --public-listen 127.0.0.1:PORT`, and plain HTTP requests to that listener.
struct PublicListener {
    let node: BrakedProcess
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    /// Starts the node with its public listener on a free loopback port, and waits until it answers.
    static func start() async throws -> PublicListener {
        let port = try freeLoopbackPort()
        let node = try await BrakedProcess(
            dataDirectory: BrakedProcess.temporaryDirectory(), arguments: ["--public-listen", "127.0.0.1:\(port)"])
        let listener = PublicListener(node: node, port: port)
        do {
            try await waitFor("the public listener on port \(port)", within: .seconds(20)) {
                (try? await listener.request("/"))?.status == 200
            }
        } catch {
            _ = node.terminate()
            throw error
        }
        return listener
    }

    struct Reply {
        var status: Int
        var body: [UInt8]
        var headers: HTTPHeaders
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]) ?? [:] }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    }

    /// One request to the public listener, its body read whole.
    func request(_ path: String, method: HTTPMethod = .GET, body: [UInt8]? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await testClient.execute(request, timeout: .seconds(20))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), body: Array(buffer: bytes), headers: response.headers)
    }

    /// Opens `/v1/events` and returns once its head arrived, leaving the stream open.
    func openStream() async throws -> HTTPClientResponse {
        try await testClient.execute(HTTPClientRequest(url: base + "/v1/events"), timeout: .seconds(60))
    }
}

/// A loopback TCP port nothing listens on now (the kernel's pick, released for the node to bind).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw TestFailure("bind 127.0.0.1:0: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A pause made the way parties make one: lab-a proposes with brakectl, lab-b signs. Returns its id.
func makePause(on node: BrakedProcess, scope: String) throws -> String {
    let proposed = try brakectl(
        ["propose", "trigger", scope, "--reason", "public page test", "--key", node.keyPath("lab-a"), "--json"], socket: node.socketPath)
    let object = (try? JSONSerialization.jsonObject(with: Data(proposed.output.utf8))) as? [String: Any]
    guard proposed.status == 0, let id = object?["id"] as? String else {
        throw TestFailure("brakectl propose: exit \(proposed.status), \(proposed.output)")
    }
    let signed = try brakectl(["sign", id, "--key", node.keyPath("lab-b")], socket: node.socketPath)
    guard signed.status == 0 else { throw TestFailure("brakectl sign: exit \(signed.status), \(signed.output)") }
    return id
}
