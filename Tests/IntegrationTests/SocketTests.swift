import Foundation
import Testing

/// The API socket belongs to one node: another braked pointed at it refuses to start and leaves it
/// serving, and a node removes at shutdown only the socket it bound.
@Suite("The API socket")
struct SocketTests {
    /// Runs `braked --config` for a config whose socket is `socket` and returns its exit status
    /// (it must exit by itself within 20 s).
    func runSecondNode(socket: String, dev: String) throws -> Int32 {
        let directory = BrakedProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/node.json"
        let text = #"{"dataDir": "\#(directory)/data", "charter": "\#(dev)/charter.dsse.json", "node": "node-1", "socket": "\#(socket)", "identity": "\#(dev)/identity"}"#
        _ = FileManager.default.createFile(atPath: config, contents: Data(text.utf8))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BrakedProcess.binDirectory + "/braked")
        process.arguments = ["--config", config]
        let log = directory + "/braked.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TestFailure("the second braked kept running on a claimed socket")
        }
        return process.terminationStatus
    }

    @Test("a second node on the same socket path refuses to start and the first keeps serving")
    func secondNodeRefused() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        let status = try runSecondNode(socket: node.socketPath, dev: node.dataDirectory)
        #expect(status == 78)
        #expect(try brakectl(["status"], socket: node.socketPath).status == 0)
    }

    @Test("at shutdown a node leaves alone a socket path that another process took over")
    func shutdownRemovesOnlyItsOwnSocket() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        // Something else now owns the path (as after an operator moved sockets around).
        #expect(unlink(node.socketPath) == 0)
        _ = FileManager.default.createFile(atPath: node.socketPath, contents: Data("not braked's".utf8))
        #expect(node.terminate() == 0)
        #expect(FileManager.default.fileExists(atPath: node.socketPath))
    }

    @Test("a node removes its own socket at shutdown, and a stale one at start")
    func ownSocketRemoved() async throws {
        let directory = BrakedProcess.temporaryDirectory()
        let node = try await BrakedProcess(dataDirectory: directory)
        node.kill9()
        // SIGKILL left the socket behind; the next start takes it over.
        #expect(FileManager.default.fileExists(atPath: node.socketPath))
        let again = try await BrakedProcess(dataDirectory: directory)
        #expect(again.terminate() == 0)
        #expect(!FileManager.default.fileExists(atPath: again.socketPath))
    }
}
