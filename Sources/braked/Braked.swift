import ArgumentParser
import BrakeFiles
import BrakeNode
import Foundation
import Logging
import Metrics
import Prometheus

/// `braked`: one node of a Brake federation.
@main
struct Braked: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "braked",
        abstract: "Run a Brake node: the replicated pause registry daemon.",
        discussion: """
            braked --config FILE runs the node a config file describes (see Deploy/node.json).
            braked --dev runs a throwaway one-node federation of three dev parties whose keys are \
            written under the data directory.
            braked --config FILE backup --out BACKUP copies a running (or stopped) node's store; \
            braked --data-dir NEW restore --from BACKUP restores it into a new data directory.
            """,
        subcommands: [BackupCommand.self, RestoreCommand.self]
    )

    @Option(name: .long, help: "Node configuration file (JSON).")
    var config: String?

    @Flag(name: .long, help: "Run a throwaway dev federation (lab-a, lab-b, gov-a; one node).")
    var dev = false

    @Option(
        name: .customLong("data-dir"),
        help: "The data directory: with --dev (default: a fresh temporary directory), backup or restore.")
    var dataDir: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Option(
        name: .customLong("snapshot-interval"),
        help: "With --dev: take a snapshot and compact the log every N applied entries (default 10000; a config file sets snapshotInterval).")
    var snapshotInterval: UInt64?

    @Option(
        name: .customLong("public-listen"),
        help: "Also serve the public read-only listener (plain HTTP, behind your reverse proxy) on HOST:PORT: the transparency page and the read routes, never a write. Overrides a config file's publicListen.")
    var publicListen: String?

    /// The checks of the node's own flags. They run in `run`, not `validate`: ArgumentParser validates a
    /// parent command before its subcommands, and `backup` and `restore` take the data directory without
    /// `--dev` or `--config`.
    func checkArguments() throws {
        if dev == (config != nil) {
            throw ValidationError("give exactly one of --config FILE or --dev")
        }
        if dataDir != nil && !dev {
            throw ValidationError("--data-dir goes with --dev; a config file names its own data directory")
        }
        if snapshotInterval != nil && !dev {
            throw ValidationError("--snapshot-interval goes with --dev; a config file sets snapshotInterval")
        }
        if snapshotInterval == 0 {
            throw ValidationError("--snapshot-interval must be at least 1")
        }
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("unknown log level \(logLevel)")
        }
    }

    func run() async throws {
        try checkArguments()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let metrics = NodeMetrics()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
        let logger = Logger(label: "braked")

        var nodeConfiguration: NodeConfiguration
        do {
            if let config {
                nodeConfiguration = try NodeConfiguration.load(path: config)
            } else {
                let directory = dataDir ?? Self.temporaryDirectory()
                let layout = try DevFederationSetup.prepare(dataDirectory: directory, seeds: DevFederationSetup.randomSeeds)
                var configuration = layout.configuration
                if let snapshotInterval { configuration.snapshotInterval = snapshotInterval }
                nodeConfiguration = configuration
                Self.printDevBanner(layout)
            }
            if let publicListen {
                nodeConfiguration.publicListen = publicListen
                try nodeConfiguration.validate()
            }
            // Before the store opens or anything is written: the data directory is ours and only ours.
            try DataDirectory.prepare(nodeConfiguration.dataDirectory)
        } catch {
            FileHandle.standardError.write(Data("braked: \(error)\n".utf8))
            throw ExitCode(78)
        }
        let clock: NodeClock
        do {
            clock = try Self.testClock(logger: logger)
        } catch {
            FileHandle.standardError.write(Data("braked: \(error)\n".utf8))
            throw ExitCode(78)
        }
        do {
            let configuration = Self.testCheckpoints(nodeConfiguration, logger: logger)
            try await BrakeDaemon(configuration: configuration, metrics: metrics, clock: clock, logger: logger).run()
        } catch {
            FileHandle.standardError.write(Data("braked: \(error)\n".utf8))
            // A configuration that cannot work (a claimed socket, a bad identity) is 78, as at load.
            throw ExitCode(BrakeDaemon.exitStatus(for: error))
        }
    }

    /// The system clock, or, for tests of a node whose clock is wrong, the system clock with its
    /// wall clock shifted by `BRAKE_TEST_WALL_CLOCK_OFFSET_MS` milliseconds. Test-only: such a node
    /// stamps entries with a wrong time (its peers refuse stamps beyond the charter's clock skew),
    /// so the shift is logged loudly at start.
    static func testClock(logger: Logger) throws -> NodeClock {
        guard let text = ProcessInfo.processInfo.environment[NodeClock.testOffsetVariable] else { return .system }
        guard let millis = Int64(text) else {
            throw ValidationError("\(NodeClock.testOffsetVariable) must be an integer of milliseconds, not \"\(text)\"")
        }
        let banner = "TEST ONLY: \(NodeClock.testOffsetVariable)=\(millis): this node's wall clock runs \(millis) ms ahead of the system's; never set this outside tests"
        FileHandle.standardError.write(Data("braked: \(banner)\n".utf8))
        logger.critical("\(banner)")
        return NodeClock.system.shiftingWall(by: millis)
    }

    /// The environment variable that makes this node present a forked history, for tests of fork
    /// evidence: `1` forks its own Merkle tree at the next declaration it applies, so it cosigns roots
    /// no other node has (`CheckpointTesting.forkAtNextLeaf`).
    static let forkCheckpointsVariable = "BRAKE_TEST_FORK_CHECKPOINTS"

    /// The configuration with the test-only fork switch on when `BRAKE_TEST_FORK_CHECKPOINTS=1`,
    /// said loudly at start.
    static func testCheckpoints(_ configuration: NodeConfiguration, logger: Logger) -> NodeConfiguration {
        guard ProcessInfo.processInfo.environment[forkCheckpointsVariable] == "1" else { return configuration }
        var forked = configuration
        forked.forkCheckpointsForTests = true
        let banner = "TEST ONLY: \(forkCheckpointsVariable)=1: this node presents a forked history (its tree forks at the next declaration); never set this outside tests"
        FileHandle.standardError.write(Data("braked: \(banner)\n".utf8))
        logger.critical("\(banner)")
        return forked
    }

    static func temporaryDirectory() -> String {
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("brake-dev.XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard let made else { return (NSTemporaryDirectory() as NSString).appendingPathComponent("brake-dev-\(getpid())") }
        return String(cString: made)
    }

    static func printDevBanner(_ layout: DevFederationSetup.Layout) {
        let socket = layout.configuration.socketPath
        let keys = Dictionary(uniqueKeysWithValues: layout.keyPaths.map { ($0.party, $0.path) })
        let text = """
            Brake dev federation (parties lab-a, lab-b: labs; gov-a: government; node node-1)
              policy: trigger needs 2 distinct parties; lift needs 2 distinct parties incl. 1 government
              data dir: \(layout.configuration.dataDirectory)
              charter:  \(layout.charterPath)
              socket:   \(socket)
              keys:     \(layout.keyPaths.map { "\($0.party)=\($0.path)" }.joined(separator: "\n            "))

            Try, in another shell:
              export BRAKE_SOCKET=\(socket)
              brakectl propose trigger training --reason "eval threshold crossed" --key \(keys["lab-a"] ?? "")
              brakectl sign <MOTION-ID> --key \(keys["lab-b"] ?? "")
              brakectl check training/frontier     # exit 1: paused
              brakectl propose lift <PAUSE-ID = MOTION-ID> --reason "evals reviewed" --key \(keys["lab-a"] ?? "")
              brakectl sign <LIFT-MOTION-ID> --key \(keys["gov-a"] ?? "")
              brakectl check training/frontier     # exit 0: clear

            """
        // Unbuffered, so the banner shows before the node's log lines even when piped.
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
