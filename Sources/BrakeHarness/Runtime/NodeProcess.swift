import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One `braked` child process of the harness, and what the harness did to it.
///
/// The harness owns its nodes: it starts them, signals them (SIGKILL, SIGSTOP, SIGCONT) and stops
/// them; `Federation` does the waiting. Output is appended to the node's log file, never to the harness's own pipes. Not
/// `Sendable`: `Federation` (an actor) holds every `NodeProcess`.
final class NodeProcess {
    /// What the harness last did to the process.
    enum State: String, Codable, Sendable {
        /// Started and not signalled since.
        case running
        /// SIGSTOPped.
        case stopped
        /// Killed, or exited by itself.
        case exited
    }

    let node: FederationLayout.Node
    let brakedPath: String
    private var process: Process?
    private(set) var state: State = .exited
    /// How many times it was started.
    private(set) var starts = 0
    /// Variables added to the process's environment at its next starts (e.g. the test-only
    /// `BRAKE_TEST_WALL_CLOCK_OFFSET_MS`); empty by default.
    var extraEnvironment: [String: String] = [:]

    init(node: FederationLayout.Node, binDirectory: String) {
        self.node = node
        self.brakedPath = (binDirectory as NSString).appendingPathComponent("braked")
    }

    /// The process id, while one runs.
    var pid: Int32? {
        guard let process, process.isRunning else { return nil }
        return process.processIdentifier
    }

    /// The state, with an exit the harness did not cause noticed.
    var currentState: State {
        if state != .exited, process?.isRunning != true { state = .exited }
        return state
    }

    /// Starts `braked --config <config>`; its output is appended to the node's log.
    func start() throws {
        guard currentState == .exited else { return }
        let files = FileManager.default
        if !files.fileExists(atPath: node.log) { _ = files.createFile(atPath: node.log, contents: nil) }
        guard let log = FileHandle(forWritingAtPath: node.log) else {
            throw HarnessError(.file, "cannot open \(node.log)")
        }
        log.seekToEndOfFile()
        log.write(Data("--- harness: start \(starts + 1) of \(node.id) at \(Date())\n".utf8))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: brakedPath)
        process.arguments = ["--config", node.config, "--log-level", "info"]
        if !extraEnvironment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(extraEnvironment) { $1 }
            let shown = extraEnvironment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            log.write(Data("--- harness: with \(shown)\n".utf8))
        }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw HarnessError(.node, "cannot start \(brakedPath) for \(node.id): \(error)")
        }
        try? log.close()
        self.process = process
        state = .running
        starts += 1
    }

    /// Sends a signal; false when no process runs.
    @discardableResult
    func signal(_ signal: Int32) -> Bool {
        guard let pid else { return false }
        return kill(pid, signal) == 0
    }

    /// SIGSTOP: the process keeps its sockets and state but runs no code.
    func stop() {
        if signal(SIGSTOP) { state = .stopped }
    }

    /// SIGCONT after a stop.
    func cont() {
        if signal(SIGCONT) { state = .running }
    }

    /// Records that the harness ended the process (after it is gone).
    func markExited() {
        state = .exited
    }

    /// Whether the process is still there.
    var isRunning: Bool { process?.isRunning == true }
}
