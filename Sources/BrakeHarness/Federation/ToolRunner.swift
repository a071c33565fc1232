import Foundation

/// Runs the project's executables (`brakectl`, `braked`) as child processes.
///
/// Output goes to a file, never to the caller's pipes: a child left behind must not keep a test
/// runner or a shell waiting for end-of-file.
public enum ToolRunner {
    /// What a finished tool printed and how it exited.
    public struct Result: Sendable {
        /// The exit status.
        public var status: Int32
        /// Standard output and standard error, interleaved.
        public var output: String
    }

    /// The directory holding the built executables: `$BRAKE_BIN_DIR`, else the directory of the
    /// running executable (the build directory, for `brake-harness` and for test bundles).
    public static var binDirectory: String {
        if let dir = ProcessInfo.processInfo.environment["BRAKE_BIN_DIR"], !dir.isEmpty { return dir }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = (exe as NSString).deletingLastPathComponent
        // An .xctest bundle on macOS sits deeper than the executables it was built with.
        while dir.contains(".xctest") { dir = (dir as NSString).deletingLastPathComponent }
        return dir
    }

    /// Runs `tool` from `binDirectory` with `arguments` and waits for it to exit.
    public static func run(_ tool: String, _ arguments: [String], binDirectory: String = binDirectory) async throws -> Result {
        let path = (binDirectory as NSString).appendingPathComponent(tool)
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError(.tool, "\(path) is not an executable; build it first (swift build)")
        }
        let outputPath = NSTemporaryDirectory() + "brake-harness-\(tool)-\(UUID().uuidString.prefix(8)).out"
        guard FileManager.default.createFile(atPath: outputPath, contents: nil), let output = FileHandle(forWritingAtPath: outputPath) else {
            throw HarnessError(.file, "cannot create \(outputPath)")
        }
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: HarnessError(.tool, "cannot run \(path): \(error)"))
            }
        }
        try? output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Result(status: status, output: text)
    }

    /// Runs a tool and throws, with what it printed, unless it exits 0.
    @discardableResult
    /// Runs a tool and returns its output; throws, with what it printed, unless it exits 0.
    public static func check(_ tool: String, _ arguments: [String], binDirectory: String = binDirectory) async throws -> String {
        let result = try await run(tool, arguments, binDirectory: binDirectory)
        guard result.status == 0 else {
            throw HarnessError(.tool, "\(tool) \(arguments.joined(separator: " ")) exited \(result.status): \(result.output)")
        }
        return result.output
    }
}
