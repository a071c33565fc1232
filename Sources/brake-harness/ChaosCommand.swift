import ArgumentParser
import BrakeHarness
import Foundation

struct Chaos: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run seeded fault schedules under a signed workload on fresh federations, and check each history.",
        discussion: """
            Schedule k uses seed S+k and its own federation under --dir; a failing schedule prints the command
            that replays it alone. Exit status 1 if any schedule fails.
            """
    )
    @Option(name: .long, help: "Nodes per federation.")
    var nodes = 5
    @Option(name: .long, help: "How many schedules.")
    var schedules = 1
    @Option(name: .long, help: "The first schedule's seed (default: random).")
    var seed: UInt64?
    @Option(name: .long, help: "Fault steps per schedule.")
    var steps = 6
    @Option(name: .long, help: "Concurrent client workers.")
    var workers = 2
    @Option(name: .long, help: "Where to make the federations (default: a new temporary directory).")
    var dir: String?
    @Flag(name: .long, help: "Keep the directories of passing schedules too.")
    var keep = false
    @Flag(name: .long, help: "Print the results as JSON at the end (progress still goes to stderr).")
    var json = false

    func run() async throws {
        try await reporting {
            let base = dir ?? NSTemporaryDirectory() + "brake-chaos-\(UUID().uuidString.prefix(6))"
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
            var options = ChaosRunner.Options(directory: base)
            options.nodes = nodes
            options.schedules = schedules
            options.seed = seed ?? UInt64.random(in: 1...999_999)
            options.steps = steps
            options.workers = workers
            options.keep = keep
            let toStderr = json
            let runner = ChaosRunner(options: options) { line in
                if toStderr {
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                } else {
                    // Unbuffered, so progress shows as it happens even through a pipe.
                    FileHandle.standardOutput.write(Data((line + "\n").utf8))
                }
            }
            let results = await runner.run()
            let failed = results.filter { !$0.passed }
            if json {
                printJSON(results)
            } else {
                print("chaos: \(results.count - failed.count) of \(results.count) schedules passed (seed \(options.seed))")
                for result in failed { print("  replay: \(result.schedule.replayCommand)") }
            }
            if !failed.isEmpty { throw ExitCode(1) }
        }
    }
}
