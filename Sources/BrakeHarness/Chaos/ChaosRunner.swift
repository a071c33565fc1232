import BrakeCore
import BrakeFiles
import Foundation

/// Runs seeded fault schedules against fresh federations under a workload, and checks each history.
///
/// Schedule k of a run with seed S uses seed S+k, and makes its own federation, so any schedule
/// replays alone: `brake-harness chaos --nodes N --schedules 1 --seed S+k`.
public struct ChaosRunner: Sendable {
    /// What to run.
    public struct Options: Sendable {
        /// Nodes per federation.
        public var nodes = 5
        /// How many schedules.
        public var schedules = 1
        /// The first schedule's seed.
        public var seed: UInt64 = 1
        /// Fault steps per schedule.
        public var steps = 6
        /// Concurrent workers.
        public var workers = 2
        /// Where federations are made, one directory per schedule.
        public var directory: String
        /// Keep the directories of passing schedules too (failing ones are always kept).
        public var keep = false
        /// Where `braked` and `brakectl` are.
        public var binDirectory = ToolRunner.binDirectory
        /// Node timing.
        public var timing = NodeTiming()

        /// Options that make federations under `directory`.
        public init(directory: String) {
            self.directory = directory
        }
    }

    /// What one schedule did and found.
    public struct ScheduleResult: Sendable, Codable {
        /// The schedule run (its `replayCommand` replays it).
        public var schedule: FaultSchedule
        /// Where its federation, logs, history.json and final.json are (kept on failure).
        public var directory: String
        /// Submissions acknowledged (200).
        public var acknowledged: Int
        /// Submissions sent.
        public var submissions: Int
        /// Checks by verdict (`no answer` for none).
        public var checks: [String: Int]
        /// What the history checker found.
        public var violations: [Violation]
        /// Set when the run itself failed (a node never settled, a tool failed), not the checker.
        public var error: String?
        /// Whether the schedule ran to the end and its history is good.
        public var passed: Bool { violations.isEmpty && error == nil }
    }

    /// What to run.
    public var options: Options
    /// Where progress lines go (one per schedule and phase).
    public var progress: @Sendable (String) -> Void

    /// A runner.
    public init(options: Options, progress: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.progress = progress
    }

    /// Runs every schedule in turn.
    public func run() async -> [ScheduleResult] {
        var results: [ScheduleResult] = []
        let generator = ScheduleGenerator(nodeCount: options.nodes, stepCount: options.steps)
        for k in 0..<options.schedules {
            let schedule = generator.schedule(seed: options.seed &+ UInt64(k))
            results.append(await run(schedule, label: "schedule \(k + 1)/\(options.schedules) seed \(schedule.seed)"))
        }
        return results
    }

    /// Runs one schedule on a fresh federation and checks its history.
    public func run(_ schedule: FaultSchedule, label: String) async -> ScheduleResult {
        let directory = (options.directory as NSString).appendingPathComponent("seed-\(schedule.seed)")
        var result = ScheduleResult(schedule: schedule, directory: directory, acknowledged: 0, submissions: 0, checks: [:], violations: [])
        let say = { (line: String) in progress("[\(label)] \(line)") }
        try? FileManager.default.removeItem(atPath: directory)
        var federation: Federation?
        var workload: Workload?
        var clients: Task<Void, Never>?
        do {
            let plan = try FederationPlan(nodeCount: schedule.nodeCount)
            say("up: \(plan.nodeCount) nodes in \(directory)")
            let layout = try await FederationMaker(plan: plan, directory: directory, binDirectory: options.binDirectory, timing: options.timing).make()
            let running = try await Federation.start(layout)
            federation = running
            let leader = try await running.waitForLeader()
            say("leader: node \(leader)")
            let charter = try Charter.verify(Envelope(json: FileBytes.read(layout.charter)))
            var keys: [String: SigningKey] = [:]
            for party in layout.parties { keys[party.id] = try KeyFiles.signingKey(at: party.key).key }
            let recorder = HistoryRecorder()
            let clientLoad = Workload(
                federation: running, signers: try PartySigners(charter: charter, keys: keys),
                recorder: recorder, seed: schedule.seed
            )
            workload = clientLoad
            let workers = options.workers
            clients = Task { await clientLoad.run(workers: workers) }
            for (i, step) in schedule.steps.enumerated() {
                say("step \(i + 1)/\(schedule.steps.count): \(step.action) (hold \(step.holdMillis) ms)")
                try await running.apply(step.action)
                try await Task.sleep(for: .milliseconds(step.holdMillis))
            }
            say("repair: \(schedule.repairs.map(\.description).joined(separator: ", "))")
            for action in schedule.repairs { try await running.apply(action) }
            // Let clients see the healed federation for a while, then stop them and let it settle.
            try await Task.sleep(for: .seconds(2))
            clientLoad.stop()
            await clients?.value
            let settled = try await running.waitSettled()
            say("settled: commit \(settled.nodes.first?.status?.commitIndex ?? 0) on every node")
            let history = recorder.snapshot
            let finals = await running.finalStates()
            result.violations = HistoryChecker(charter: charter).violations(history: history, finals: finals)
            result.submissions = history.submits.count
            result.acknowledged = history.submits.filter { if case .acknowledged = $0.outcome { true } else { false } }.count
            for check in history.checks { result.checks[check.verdict ?? "no answer", default: 0] += 1 }
            try? Self.write(history, finals: finals, to: directory)
        } catch {
            result.error = "\(error)"
        }
        workload?.stop()
        await clients?.value
        await federation?.shutdown()
        let checks = result.checks.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        if result.passed {
            say("ok: \(result.acknowledged) of \(result.submissions) submissions acknowledged; checks: \(checks)")
            if !options.keep { try? FileManager.default.removeItem(atPath: directory) }
        } else {
            for violation in result.violations { say("VIOLATION \(violation)") }
            if let error = result.error { say("ERROR \(error)") }
            say("FAILED; files kept in \(directory); replay: \(schedule.replayCommand)")
        }
        return result
    }

    /// Writes the history and final states next to the federation, for a person to read after a failure.
    static func write(_ history: History, finals: [NodeFinalState], to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(history).write(to: URL(fileURLWithPath: directory + "/history.json"))
        try encoder.encode(finals).write(to: URL(fileURLWithPath: directory + "/final.json"))
    }
}
