import BrakeCore
import BrakeFiles
import Foundation
import NIOCore
import Synchronization

/// One federation under benchmark: its processes, its parties' keys, and the phases measured on it.
final class BenchSession: Sendable {
    let federation: Federation
    let layout: FederationLayout
    let directory: String
    let options: BenchOptions
    let progress: @Sendable (String) -> Void
    /// Motions proposed by p1 (every phase's submissions).
    let proposer: SignedMotions
    /// Motions co-signed by p2 (the last signature of a two-party trigger).
    let cosigner: SignedMotions?
    private let generation = Mutex(0)

    var nodeCount: Int { layout.nodes.count }

    private init(federation: Federation, layout: FederationLayout, options: BenchOptions, progress: @escaping @Sendable (String) -> Void) throws {
        self.federation = federation
        self.layout = layout
        self.directory = layout.directory
        self.options = options
        self.progress = progress
        let charter = try Charter.verify(Envelope(json: FileBytes.read(layout.charter)))
        var keys: [String: SigningKey] = [:]
        for party in layout.parties { keys[party.id] = try KeyFiles.signingKey(at: party.key).key }
        proposer = SignedMotions(charter: charter, party: "p1", key: keys["p1"]!)
        cosigner = keys["p2"].map { SignedMotions(charter: charter, party: "p2", key: $0) }
    }

    /// Makes and starts a federation of `nodes` under the options' directory and waits for a leader.
    static func start(nodes: Int, options: BenchOptions, timing: NodeTiming, progress: @escaping @Sendable (String) -> Void) async throws -> BenchSession {
        let directory = (options.directory as NSString).appendingPathComponent("n\(nodes)")
        try? FileManager.default.removeItem(atPath: directory)
        let say: @Sendable (String) -> Void = { line in progress("[\(nodes) node\(nodes == 1 ? "" : "s")] \(line)") }
        say("making the federation in \(directory)")
        var maker = FederationMaker(plan: try FederationPlan(nodeCount: nodes), directory: directory, binDirectory: options.binDirectory, timing: timing)
        maker.directPeers = true
        let layout = try await maker.make()
        let federation = try await Federation.start(layout)
        do {
            let leader = try await federation.waitForLeader()
            say("leader: node \(leader)")
            return try BenchSession(federation: federation, layout: layout, options: options, progress: say)
        } catch {
            await federation.shutdown()
            throw error
        }
    }

    /// Stops every process; removes the directory unless asked to keep it.
    func close(keep: Bool) async {
        await federation.shutdown()
        if !keep { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// A tag no earlier batch of this session used, so every motion's scope is new.
    func nextTag(_ prefix: String) -> String {
        generation.withLock { $0 += 1; return "\(prefix)\($0)" }
    }

    /// The socket of the node that leads now.
    func leaderSocket() async throws -> (number: Int, socket: String) {
        let leader = try await federation.waitForLeader()
        return (leader, try layout.node(leader).socket)
    }

    /// The process ids of every running node.
    func pids() async -> [Int32] {
        var pids: [Int32] = []
        for n in federation.numbers {
            if let pid = try? await federation.pid(n) { pids.append(pid) }
        }
        return pids
    }

    // MARK: - Submissions

    /// A few hundred submissions nobody measures: connections, caches and the LMDB map warm up.
    func warmUp() async throws {
        let bodies = try await proposer.bodies(count: min(200, options.commits), tag: nextTag("warm"))
        let (_, socket) = try await leaderSocket()
        let result = try await ClosedLoopLoad(socket: socket, connections: 4)
            .run(RequestSource(posting: bodies, to: "/v1/declarations", until: .now() + .seconds(60)))
        guard result.succeeded > 0 else {
            throw HarnessError(.node, "warm-up: no submission committed; answers \(result.statuses), \(result.failures.first ?? "")")
        }
    }

    /// Signed submissions from `clients` clients to the leader: latency, rate, and the CPU seconds
    /// all nodes spent meanwhile. With `profile`, `perf record` watches the leader meanwhile.
    func submitPhase(clients: Int, profile: Bool) async throws -> (BenchReport.SubmitFigures, cpuSeconds: Double) {
        let count = max(options.commits, clients)
        progress("signing \(count) motions for \(clients) client\(clients == 1 ? "" : "s")")
        let bodies = try await proposer.bodies(count: count, tag: nextTag("c\(clients)-"))
        let (leader, socket) = try await leaderSocket()
        let pids = await pids()
        var perf: PerfRecorder?
        if profile, let folder = options.perfDirectory, let pid = try await federation.pid(leader) {
            perf = try PerfRecorder.start(pid: pid, output: (folder as NSString).appendingPathComponent("perf-\(nodeCount).data"))
        }
        let before = pids.map(ProcessCPU.seconds).reduce(0, +)
        let source = RequestSource(posting: bodies, to: "/v1/declarations", until: .now() + .milliseconds(Int64(options.submitSeconds * 1000)))
        let result = try await ClosedLoopLoad(socket: socket, connections: clients).run(source)
        let cpu = pids.map(ProcessCPU.seconds).reduce(0, +) - before
        await perf?.stop()
        guard result.succeeded > 0 else {
            throw HarnessError(.node, "\(clients) clients: no submission committed; answers \(result.statuses), \(result.failures.first ?? "")")
        }
        let figures = BenchReport.SubmitFigures(
            clients: clients, commits: result.succeeded, refused: result.refused, seconds: result.seconds,
            commitsPerSecond: result.perSecond, latency: LatencyFigures(result.latencies)
        )
        progress("\(clients) client\(clients == 1 ? "" : "s"): " + String(
            format: "%d commits in %.2f s, %.0f/s, p50 %.3f ms, p99 %.3f ms", figures.commits,
            figures.seconds, figures.commitsPerSecond, figures.latency.p50Ms, figures.latency.p99Ms)
            + (figures.refused > 0 ? " (\(figures.refused) not committed: \(result.statuses))" : ""))
        return (figures, cpu)
    }

    // MARK: - Checks

    /// `check` from `connections` connections to node 1, once it answers a fresh verdict.
    func checkPhase(connections: Int) async throws -> BenchReport.CheckFigures {
        let api = try federation.api(1)
        let path = "/v1/check?scope=bench/check&max-staleness=5s"
        try await Deadline.waitUntil("node 1 to answer a fresh check", timeout: .seconds(30)) {
            (try? await api.check("bench/check", maxStalenessMillis: 5_000).verdict) == "clear"
        }
        let seconds = Int64(options.checkSeconds * 1000)
        let result = try await ClosedLoopLoad(socket: api.socket, connections: connections)
            .run(RequestSource(getting: path, until: .now() + .milliseconds(seconds)))
        let figures = BenchReport.CheckFigures(
            connections: connections, requests: result.succeeded, requestsPerSecond: result.perSecond, latency: LatencyFigures(result.latencies))
        progress(String(format: "check, %d connections: %.0f/s, p50 %.3f ms, p99 %.3f ms", connections, figures.requestsPerSecond,
                        figures.latency.p50Ms, figures.latency.p99Ms))
        return figures
    }
}
