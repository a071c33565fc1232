import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// The operator's kit under test: the repository's Deploy/ files, and the external tools that check them.
enum DeployKit {
    /// The repository's root, found from this file's path (Tests/IntegrationTests/DeployTools.swift).
    static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// An absolute path of a file in the repository.
    static func path(_ relative: String) -> String { root + "/" + relative }

    /// The absolute path of the external tool `name` on PATH. A missing tool fails the test (never skips it):
    /// Deploy/install-deps.sh installs every one, and CI runs it first.
    static func tool(_ name: String) throws -> String {
        // The PyPI tools (and a python3 that has their modules) live in install-deps.sh's venv.
        let venv = root + "/.build-tools/python/bin"
        let directories = [Substring(venv)] + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        for directory in directories {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw TestFailure("\(name) is not installed; Deploy/install-deps.sh installs it (this test fails without it, it does not skip)")
    }

    /// What a finished command printed and how it exited.
    struct Run: CustomStringConvertible {
        var status: Int32
        var output: String
        var errors: String
        var description: String { "exit \(status)\nstdout: \(output)\nstderr: \(errors)" }
    }

    /// Runs `executable` with `arguments` and waits for it, at most `limit`; a command still running then
    /// is killed and fails the test. Output goes through files, so neither stream can fill a pipe and stall.
    /// `environment` is added to this process's environment (a nil value removes a variable).
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String?] = [:], directory: String? = nil,
        limit: Duration = .seconds(120)
    ) throws -> Run {
        let scratch = NSTemporaryDirectory() + "brake-run-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let out = scratch + "/out", err = scratch + "/err"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle(forWritingAtPath: err)
        try process.run()
        let deadline = ContinuousClock.now + limit
        while process.isRunning && ContinuousClock.now < deadline { usleep(5_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TestFailure("\(executable) \(arguments.joined(separator: " ")) did not finish within \(limit)")
        }
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            output: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            errors: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// A fresh temporary directory, mode 0700.
    static func temporaryDirectory(_ prefix: String) throws -> String {
        let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return path
    }

    /// Node 1 of a three-node federation made by the compose file's init script (Deploy/container/
    /// federation-init.sh, run with this machine's paths), started alone: it never hears from a quorum, so
    /// it answers `check` with unknown, as a cut-off node does. Its peers would be 127.0.0.2 and 127.0.0.3.
    static func loneNodeOfThree() async throws -> ConfiguredNode {
        let directory = try temporaryDirectory("brake-lone")
        let made = try run(
            path("Deploy/container/federation-init.sh"), ["3"],
            environment: [
                "BRAKE_FEDERATION_DIR": directory + "/etc", "BRAKE_FEDERATION": "lone-test", "BRAKE_NODE_HOST": "127.0.0.%d",
                "BRAKE_PEER_PORT": String(try freePort()), "BRAKE_LISTEN_HOST": "127.0.0.1", "BRAKE_DATA_DIR": directory + "/data",
                "BRAKE_SOCKET": directory + "/brake.sock", "BRAKECTL": BrakedProcess.binDirectory + "/brakectl",
            ])
        guard made.status == 0 else { throw TestFailure("federation-init.sh: \(made)") }
        let verified = try brakectl(["charter", "verify", directory + "/etc/charter.dsse.json"], socket: "")
        guard verified.status == 0 else { throw TestFailure("the charter federation-init.sh made does not verify: \(verified.output)") }
        return try await ConfiguredNode(config: directory + "/etc/node-1/node.json", socket: directory + "/brake.sock")
    }

    /// A TCP port on 127.0.0.1 that nothing listened on a moment ago.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw TestFailure("bind: \(errno)") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw TestFailure("getsockname: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A `GET` on a node's local API at `socket`; status and JSON body.
func apiGet(socket: String, _ path: String) async throws -> BrakedProcess.Reply {
    let request = HTTPClientRequest(url: URL(httpURLWithSocketPath: socket, uri: path)!.absoluteString)
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
    let bytes = try await response.body.collect(upTo: 16 << 20)
    return BrakedProcess.Reply(status: Int(response.status.code), body: Array(buffer: bytes))
}

/// A `braked --config FILE` process whose output goes to a log file beside the config.
final class ConfiguredNode: @unchecked Sendable {
    let process: Process
    let socket: String

    /// Starts `braked --config config` and waits (at most 60 s) until its API answers `GET /v1/status`.
    init(config: String, socket: String) async throws {
        self.socket = socket
        process = Process()
        process.executableURL = URL(fileURLWithPath: BrakedProcess.binDirectory + "/braked")
        process.arguments = ["--config", config, "--log-level", "warning"]
        let log = config + ".log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw TestFailure("braked --config \(config) exited with status \(process.terminationStatus): \(text)")
            }
            if FileManager.default.fileExists(atPath: socket), let reply = try? await apiGet(socket: socket, "/v1/status"),
               reply.status == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        throw TestFailure("braked --config \(config) did not answer on \(socket) within 60 s")
    }

    /// SIGTERM, then SIGKILL if it has not exited within 10 s.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}
