import BrakeCore
import BrakeFiles
import Foundation

/// `brake-harness bench`: measures real `braked` processes through their local API.
///
/// For each federation size it makes a fresh federation with the real `brakectl` (nodes dial each
/// other directly over mutual TLS, no proxy in between), then measures, in order: signed
/// submissions with each client count (latency, commits per second, CPU per thousand commits),
/// `check` throughput, the time from a pause's last signature to every node answering `paused`,
/// and, with three nodes or more, failover after a SIGKILL of the leader. On the smallest
/// federation it then fills the log and measures restarts. Every figure comes from an HdrHistogram.
public struct BenchRunner: Sendable {
    /// What to measure.
    public var options: BenchOptions
    /// Raft timing of every node.
    public var timing: NodeTiming
    /// Where progress lines go.
    public var progress: @Sendable (String) -> Void

    /// A runner.
    public init(options: BenchOptions, timing: NodeTiming = NodeTiming(), progress: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.timing = timing
        self.progress = progress
    }

    /// Runs everything and returns the report (the targets included).
    public func run() async throws -> BenchReport {
        let machine = MachineInfo.current()
        progress("machine: \(machine.summary)")
        var figures: [BenchReport.FederationFigures] = []
        var restart: BenchReport.RestartFigures?
        let smallest = options.nodes.min() ?? 1
        for count in options.nodes {
            let session = try await BenchSession.start(nodes: count, options: options, timing: timing, progress: progress)
            do {
                figures.append(try await measure(session))
                if count == smallest, options.restarts > 0 {
                    restart = try await session.restartPhase()
                }
            } catch {
                progress("[\(count) nodes] failed: \(error); files kept in \(session.directory)")
                await session.federation.shutdown()
                throw error
            }
            await session.close(keep: options.keep)
        }
        return BenchReport(
            machine: machine, timing: timing, options: options, federations: figures, restart: restart,
            targets: Self.targets(figures, restart: restart)
        )
    }

    private func measure(_ session: BenchSession) async throws -> BenchReport.FederationFigures {
        var submits: [BenchReport.SubmitFigures] = []
        var cpuPerThousand = 0.0
        try await session.warmUp()
        for clients in options.clients {
            let (figures, cpu) = try await session.submitPhase(clients: clients, profile: clients == options.clients.max())
            submits.append(figures)
            if clients == options.clients.max(), figures.commits > 0 {
                cpuPerThousand = cpu / (Double(figures.commits) / 1_000)
            }
        }
        var checks: [BenchReport.CheckFigures] = []
        for connections in options.checkConnections {
            checks.append(try await session.checkPhase(connections: connections))
        }
        let pause = try await session.pausePhase(trials: options.trials)
        let failover = session.nodeCount >= 3 && options.trials > 0 ? try await session.failoverPhase(trials: options.trials) : nil
        return .init(
            nodes: session.nodeCount, submit: submits, check: checks, pauseEverywhere: pause, failover: failover,
            cpuSecondsPerThousandCommits: cpuPerThousand
        )
    }

    /// The targets against what was measured; a target whose figure was not measured is left out.
    static func targets(_ figures: [BenchReport.FederationFigures], restart: BenchReport.RestartFigures?) -> [TargetCheck] {
        var checks: [TargetCheck] = []
        let one = figures.first { $0.nodes == 1 }
        let three = figures.first { $0.nodes == 3 }
        if let run = one?.submit.first(where: { $0.clients == 64 }) {
            checks.append(.init("1 node: signed commits/s, 64 clients", .atLeast, target: 10_000, measured: run.commitsPerSecond, unit: "/s"))
        }
        if let run = one?.submit.first(where: { $0.clients == 1 }) {
            checks.append(.init("1 node: commit p50, 1 client", .atMost, target: 0.35, measured: run.latency.p50Ms, unit: "ms"))
        }
        if let run = three?.submit.first(where: { $0.clients == 1 }) {
            checks.append(.init("3 nodes: commit p50, 1 client", .atMost, target: 0.45, measured: run.latency.p50Ms, unit: "ms"))
        }
        if let run = one?.check.first(where: { $0.connections == 16 }) {
            checks.append(.init("1 node: check requests/s, 16 connections", .atLeast, target: 60_000, measured: run.requestsPerSecond, unit: "/s"))
        }
        for federation in figures {
            guard let failover = federation.failover else { continue }
            checks.append(.init(
                "\(federation.nodes) nodes: leader SIGKILLed → commits again, p99", .atMost, target: 300, measured: failover.p99Ms, unit: "ms"))
        }
        if let restart {
            let note = restart.entries < 1_000_000 ? "measured with \(restart.entries) entries, not a million" : nil
            checks.append(.init("restart to serving checks", .atMost, target: 300, measured: restart.toServing.p50Ms, unit: "ms", note: note))
        }
        return checks
    }
}
