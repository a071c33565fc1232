import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `perf record -g` attached to one process for as long as a phase runs, so a missed target comes
/// with a profile of where the time went (`perf report -i FILE`).
final class PerfRecorder {
    private let process: Process
    let output: String

    private init(process: Process, output: String) {
        self.process = process
        self.output = output
    }

    /// Starts `perf record` on `pid`, writing `output`; fails if perf is not installed.
    static func start(pid: Int32, output: String) throws -> PerfRecorder {
        let perf = ["/usr/bin/perf", "/usr/local/bin/perf"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let perf else {
            throw HarnessError(.tool, "--perf needs perf (apt-get install -y linux-perf)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: perf)
        process.arguments = ["record", "-F", "999", "-g", "-p", String(pid), "-o", output]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw HarnessError(.tool, "cannot start \(perf): \(error)")
        }
        return PerfRecorder(process: process, output: output)
    }

    /// Stops recording (SIGINT, as perf expects) and waits until perf has written its file.
    func stop() async {
        kill(process.processIdentifier, SIGINT)
        try? await Deadline.waitUntil("perf to write \(output)", timeout: .seconds(30)) { !process.isRunning }
    }
}
