import ArgumentParser
import BrakeHarness
import Foundation

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure real braked federations through their local API: commits, checks, pauses, failover, restart.",
        discussion: """
            Build in release first (swift build -c release); a debug build measures the debug build and says so.
            Progress goes to stderr, the table to stdout, and --json FILE gets every figure. Fresh federations
            are made under --dir (default a new temporary directory) and removed afterwards unless --keep.
            """
    )
    @Option(name: .long, help: "Federation sizes, comma-separated.")
    var nodes = "1,3,5"
    @Option(name: .long, help: "Client counts for signed submissions, comma-separated.")
    var clients = "1,16,64"
    @Option(name: .long, help: "Signed submissions per client count.")
    var commits: Int?
    @Option(name: .long, help: "Connection counts for check, comma-separated.")
    var checkConnections: String?
    @Option(name: .long, help: "Seconds per check load.")
    var checkSeconds: Double?
    @Option(name: .long, help: "Trials of the pause and of the failover measurement.")
    var trials: Int?
    @Option(name: .long, help: "Entries in the log of the restarted node (e.g. 1000000).")
    var entries: Int?
    @Option(name: .long, help: "Restarts of that node.")
    var restarts: Int?
    @Option(name: .long, help: "Raft tick in milliseconds.")
    var tickMs: Int?
    @Option(name: .long, help: "Election timeout in ticks.")
    var electionTicks: Int?
    @Flag(name: .long, help: "Tiny sizes: checks that the command works, measures nothing worth quoting.")
    var quick = false
    @Option(name: .long, help: "Write every figure as JSON to this file.")
    var json: String?
    @Option(name: .long, help: "Run perf record on the leader during the run with the most clients, writing perf-<nodes>.data here.")
    var perf: String?
    @Option(name: .long, help: "Where to make the federations (default: a new temporary directory).")
    var dir: String?
    @Flag(name: .long, help: "Keep the federations' directories.")
    var keep = false

    func run() async throws {
        try await reporting {
            let base = dir ?? NSTemporaryDirectory() + "brake-bench-\(UUID().uuidString.prefix(6).lowercased())"
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
            var options = quick ? BenchOptions.quick(directory: base) : BenchOptions(directory: base)
            if !quick || nodes != "1,3,5" { options.nodes = try Self.list(nodes, "--nodes") }
            if !quick || clients != "1,16,64" { options.clients = try Self.list(clients, "--clients") }
            if let commits { options.commits = commits }
            if let checkConnections { options.checkConnections = try Self.list(checkConnections, "--check-connections") }
            if let checkSeconds { options.checkSeconds = checkSeconds }
            if let trials { options.trials = trials }
            if let entries { options.entries = entries }
            if let restarts { options.restarts = restarts }
            options.keep = keep
            if let perf {
                try FileManager.default.createDirectory(atPath: perf, withIntermediateDirectories: true)
                options.perfDirectory = (perf as NSString).standardizingPath
            }
            var timing = NodeTiming()
            if let tickMs { timing.tickMillis = tickMs }
            if let electionTicks { timing.electionTicks = electionTicks }
            let runner = BenchRunner(options: options, timing: timing) { line in
                FileHandle.standardError.write(Data(("bench: " + line + "\n").utf8))
            }
            let report = try await runner.run()
            if !keep && dir == nil { try? FileManager.default.removeItem(atPath: base) }
            print(BenchTable.render(report))
            if let json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                do {
                    try encoder.encode(report).write(to: URL(fileURLWithPath: json))
                } catch {
                    throw HarnessError(.file, "cannot write \(json): \(error)")
                }
            }
        }
    }

    /// "1,3,5" as numbers, each positive.
    static func list(_ text: String, _ flag: String) throws -> [Int] {
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw HarnessError(.usage, "\(flag) takes positive numbers separated by commas, not \(text)")
        }
        return values.map { $0! }
    }
}
