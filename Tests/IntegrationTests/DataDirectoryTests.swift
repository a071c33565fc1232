import Foundation
import Testing

/// `braked` refuses a data directory that others could write in, before it writes anything there.
@Suite("braked and its data directory")
struct DataDirectoryTests {
    /// Runs braked with `arguments` until it exits (it must exit at once); returns status and stderr.
    static func braked(_ arguments: [String]) throws -> (status: Int32, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BrakedProcess.binDirectory + "/braked")
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let pipe = Pipe()
        process.standardError = pipe
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    @Test("a world- or group-writable data directory stops braked with exit 78 and the fix")
    func insecureDataDirectoryIsRefused() throws {
        for mode: mode_t in [0o777, 0o770] {
            let dir = BrakedProcess.temporaryDirectory()
            chmod(dir, mode)
            let run = try Self.braked(["--dev", "--data-dir", dir, "--log-level", "error"])
            #expect(run.status == 78, "mode \(String(mode, radix: 8)): \(run.error)")
            #expect(run.error.contains("data_dir_insecure") && run.error.contains("chmod go-w"), "\(run.error)")
            // Nothing was written there: no keys, no charter, no store.
            #expect((try? FileManager.default.contentsOfDirectory(atPath: dir)) == [])
        }
    }
}
