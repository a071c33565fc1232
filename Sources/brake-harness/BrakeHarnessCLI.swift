import ArgumentParser
import BrakeHarness
import Foundation

/// `brake-harness`: real `braked` federations on loopback, behind proxies it can cut, for people
/// and tests to reproduce partitions, kills and pauses with one command.
@main
struct BrakeHarnessCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "brake-harness",
        abstract: "Run a Brake federation of real braked processes on loopback and inject faults.",
        discussion: """
            brake-harness up --nodes 5 --dir /tmp/fed        # make and start a federation
            brake-harness partition 1,2/3,4,5 --dir /tmp/fed
            brake-harness status --scope training --dir /tmp/fed
            brake-harness heal --dir /tmp/fed
            brake-harness down --dir /tmp/fed
            brake-harness chaos --nodes 5 --schedules 3 --seed 7
            brake-harness bench --json bench.json          # after swift build -c release
            Nodes are numbered 1...N. Every command takes --dir D (default $BRAKE_HARNESS_DIR, else ./brake-federation) and --json.
            """,
        subcommands: [
            Up.self, Serve.self, Status.self, Partition.self, Isolate.self, Cut.self, Heal.self,
            Kill.self, Stop.self, Cont.self, Restart.self, Down.self, Chaos.self, Bench.self, BenchVerify.self,
        ]
    )
}

/// `--dir` and `--json`, shared by every federation command.
struct FederationOptions: ParsableArguments {
    @Option(name: .long, help: "The federation directory (default $BRAKE_HARNESS_DIR, else ./brake-federation).")
    var dir: String?
    @Flag(name: .long, help: "Print JSON.")
    var json = false

    /// The directory, absolute.
    var directory: String {
        let chosen = dir ?? ProcessInfo.processInfo.environment["BRAKE_HARNESS_DIR"] ?? "brake-federation"
        let path = (chosen as NSString).expandingTildeInPath
        return path.hasPrefix("/") ? (path as NSString).standardizingPath
            : ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }
}

/// Runs a command body, turning a `HarnessError` into a message on stderr and an exit status:
/// 64 for usage, 1 otherwise.
func reporting(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as HarnessError {
        FileHandle.standardError.write(Data("brake-harness: \(error)\n".utf8))
        throw ExitCode(error.code == .usage ? 64 : 1)
    }
}

/// Prints an encodable value as pretty JSON with sorted keys.
func printJSON(_ value: some Encodable) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    if let data = try? encoder.encode(value) { print(String(decoding: data, as: UTF8.self)) }
}
