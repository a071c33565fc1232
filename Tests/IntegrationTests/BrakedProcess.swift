import AsyncHTTPClient
import BrakeCore
import BrakeFiles
import Foundation
import NIOCore
import NIOHTTP1

/// A real `braked --dev` process on a data directory, and its real Unix socket.
final class BrakedProcess: @unchecked Sendable {
    let dataDirectory: String
    let process: Process
    var socketPath: String { dataDirectory + "/brake.sock" }

    /// The directory holding the built `braked` and `brakectl` (beside the test bundle), or $BRAKE_BIN_DIR.
    static var binDirectory: String {
        if let dir = ProcessInfo.processInfo.environment["BRAKE_BIN_DIR"] { return dir }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (exe as NSString).deletingLastPathComponent
    }

    /// A fresh temporary data directory.
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "brake-it-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Starts `braked --dev --data-dir DIR` (with `arguments` after) and waits until its API answers.
    /// With `dev` false, `arguments` must name the node (e.g. `--config FILE` whose data directory is
    /// `dataDirectory`, which must exist).
    init(dataDirectory: String, arguments: [String] = [], dev: Bool = true) async throws {
        self.dataDirectory = dataDirectory
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binDirectory + "/braked")
        process.arguments = (dev ? ["--dev", "--data-dir", dataDirectory] : []) + ["--log-level", "warning"] + arguments
        // Its output goes to a file in the data directory, never to the test runner's pipes: a
        // braked left behind must not keep the runner waiting for end-of-file.
        let log = dataDirectory + "/braked.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if process.isRunning == false { throw TestFailure("braked exited early with status \(process.terminationStatus)") }
            if FileManager.default.fileExists(atPath: socketPath),
               let reply = try? await get("/v1/status"), reply.status == 200, reply.json["role"] as? String == "leader" {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw TestFailure("braked did not answer on \(socketPath) within 60 s")
    }

    /// SIGKILL, then wait for the process to be gone.
    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then wait up to 10 s (then SIGKILL, so a stuck shutdown fails the test instead of
    /// hanging it); returns the exit status, -1 if it had to be killed.
    func terminate() -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return -1
        }
        return process.terminationStatus
    }

    /// The dev party's signing key written under the data directory.
    func key(_ party: String) throws -> SigningKey {
        try KeyFiles.signingKey(at: keyPath(party)).key
    }

    func keyPath(_ party: String) -> String { dataDirectory + "/keys/\(party).key" }

    struct Reply {
        var status: Int
        var body: [UInt8]
        var contentType = ""
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]) ?? [:] }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    }

    func get(_ path: String) async throws -> Reply {
        try await send(.GET, path, body: nil)
    }

    func post(_ path: String, body: [UInt8]) async throws -> Reply {
        try await send(.POST, path, body: body)
    }

    func send(_ method: HTTPMethod, _ path: String, body: [UInt8]?) async throws -> Reply {
        var request = HTTPClientRequest(url: URL(httpURLWithSocketPath: socketPath, uri: path)!.absoluteString)
        request.method = method
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await testClient.execute(request, timeout: .seconds(20))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), body: Array(buffer: bytes), contentType: response.headers["Content-Type"].first ?? "")
    }

    /// The charter the node serves.
    func charter() throws -> Charter {
        try Charter.verify(Envelope(json: FileBytes.read(dataDirectory + "/charter.dsse.json")))
    }
}

/// Runs `brakectl` with arguments against a socket; returns exit status and stdout.
func brakectl(_ arguments: [String], socket: String) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: BrakedProcess.binDirectory + "/brakectl")
    process.arguments = arguments
    process.standardError = FileHandle(forWritingAtPath: "/dev/null")
    var environment = ProcessInfo.processInfo.environment
    environment["BRAKE_SOCKET"] = socket
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A signed motion envelope, as a party would make it (canonical payload).
func motionEnvelope(
    charter: Charter, kind: String, scope: String, pause: String? = nil, proposer: String,
    now: Date = Date(), lifetime: TimeInterval = 3600, federation: String? = nil, signers: [SigningKey]
) throws -> Envelope {
    let created = Int64(now.timeIntervalSince1970) * 1000
    let motion = Motion(
        federation: federation ?? charter.federation, kind: MotionKind(rawValue: kind)!, scope: try Scope(scope),
        reason: "integration test", pause: pause, proposer: proposer, created: created,
        expires: created + Int64(lifetime * 1000),
        nonce: UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    )
    var envelope = motion.unsignedEnvelope()
    for key in signers { envelope = envelope.signed(with: key) }
    return envelope
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds, failing with `what` when `within` passes first.
func waitFor(_ what: String, within limit: Duration, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TestFailure("timed out after \(limit) waiting for \(what)")
}

/// Calls `body` with `path` as a Unix socket address and its length, for bind(2) or connect(2).
func withUnixAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        let bytes = Array(path.utf8.prefix(raw.count - 1))
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
}

/// Opens a connection to a Unix socket and returns its descriptor (or -1 and errno).
func connectUnix(_ path: String) -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return -1 }
    let result = withUnixAddress(path) { connect(fd, $0, $1) }
    if result != 0 { close(fd); return -1 }
    return fd
}

/// The tests' HTTP client: like `HTTPClient.shared`, but with room for many connections to one node
/// (the shared client queues requests beyond 8 per host, which would make the client, not the
/// node, the bottleneck of a test with many streams open).
let testClient: HTTPClient = {
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
    return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
}()
