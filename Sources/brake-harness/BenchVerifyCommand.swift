import ArgumentParser
import BrakeHarness
import Foundation

/// `brake-harness bench-verify`: how fast `brakectl verify` checks an exported log (`VerifyBench`).
struct BenchVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-verify",
        abstract: "Time brakectl verify on a bundle of signed declarations (entries/s on every core).",
        discussion: """
            Build in release first (swift build -c release). Writes a bundle of --entries trigger motions, \
            each signed by two parties, with a checkpoint cosigned by two of three nodes, then runs the \
            brakectl beside this executable on it --runs times. The bundle is made here, in the format \
            brakectl export writes, not exported from a node that committed them through Raft.
            """)
    @Option(name: .long, help: "Entries in the bundle.") var entries = 100_000
    @Option(name: .long, help: "Runs of brakectl verify.") var runs = 3
    @Option(name: .long, help: "Where to write the bundle (default: a temporary file, removed afterwards).") var bundle: String?
    @Option(name: .long, help: "Write the figures as JSON to this file.") var json: String?

    func run() throws {
        let bench = VerifyBench(entries: entries)
        let path = bundle ?? NSTemporaryDirectory() + "brake-bench-verify-\(getpid()).bundle"
        defer { if bundle == nil { try? FileManager.default.removeItem(atPath: path) } }
        FileHandle.standardError.write(Data("writing \(entries) signed entries to \(path)\n".utf8))
        let signatures = try bench.writeBundle(to: path)
        let brakectl = (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/brakectl"
        var all: [VerifyBench.Figures] = []
        for run in 1...max(1, runs) {
            let figures = try bench.measure(brakectl: brakectl, bundle: path, signatures: signatures)
            all.append(figures)
            print(String(
                format: "run %d: brakectl verify of %d entries (%d signatures, %.1f MB) in %.2f s: %.0f entries/s, %.0f signatures/s on %d cores",
                run, figures.entries, figures.signatures, Double(figures.bytes) / 1e6, figures.seconds, figures.entriesPerSecond,
                figures.signaturesPerSecond, figures.cores))
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(all).write(to: URL(fileURLWithPath: json))
        }
    }
}
