import BrakeCore
import BrakeLog
import BrakeRaft
import BrakeReplica

/// A deterministic simulation of a Brake cluster: N nodes in one process, each the node's real
/// core (`BrakeReplica`: Raft, the registry, submissions, freshness, snapshots) with a simulated
/// durable store, over a simulated network, with clients that submit real signed declarations. Every decision draws from one seeded `SimRandom`, so a run
/// replays exactly from its seed.
///
/// Each step is one global tick: inject faults (during the first `faultFraction` of the steps),
/// let the clients act, tick every node (some nodes tick faster or slower: clock drift), deliver
/// the messages that are due, and check every invariant. Each node carries out each
/// `ReplicaReady` exactly as `braked`'s shell does: persist, then send, then apply, then answer. After the faults stop, the run continues
/// until the cluster has elected a leader, committed a probe submission and converged (it stops
/// 20 quiet steps later), or fails with a liveness violation once `livenessBound` ticks have passed.
public struct Simulation {
    /// The seed the run replays from.
    public let seed: UInt64
    /// The cluster size.
    public let nodeCount: Int
    /// The planned number of steps. Faults stop after `faultFraction` of them; the run then ends
    /// 20 steps after the cluster converged, which may be before or after `steps`.
    public let steps: Int
    /// The faults injected.
    public let faults: SimulationFaults
    /// Deliberately wrong Raft rules, turned on for every node (tests of the checker only).
    public let testing: TestingSwitches
    /// A node that, while it leads, never proposes declarations of one party (the censoring
    /// leader of Specs/gossip.md), by node index, with the party it censors.
    public let censor: (node: Int, party: String)?
    /// Each signature of a pooled declaration the pending-verdict check verified with plain
    /// Ed25519: the party whose key made it, or nil when none did (by signature and payload).
    var auditedSignatures: [[UInt8]: String?] = [:]
    /// The membership scenario, when the run changes the charter's nodes (`Simulation+Membership`).
    var membership: MembershipScenario?
    /// Ticks after the faults stop within which a leader must commit a probe submission and all
    /// nodes must converge.
    public let livenessBound: Int
    /// Probability per step (while faults last) that a client starts a new submission.
    public let clientRate: Double

    let federation: SimFederation
    var random: SimRandom
    var network: SimulatedNetwork
    var nodes: [SimulatedNode]
    let replicaConfig: ReplicaConfig
    let nodeIndex: [NodeID: Int]
    var history = SimulationHistory()
    var audit: PolicyAudit
    var clients: ClientState
    var factory: DeclarationFactory

    /// Steps executed so far (also the global clock, in ticks).
    public private(set) var stepCount = 0
    /// The first violation, if any; the run stops there.
    public private(set) var violation: InvariantViolation?
    /// Whether the per-step registry comparisons and the policy audit run (the cheap per-event
    /// Raft checks always do). The benchmark turns them off to time the core and the apply alone.
    public var checksEnabled = true
    var trace = TraceHasher()
    var events: [String] = []
    /// A crash scheduled inside a later `Ready` of `node`: after `skip` more Readies with
    /// something to persist or send, at `stage` (0 before persisting, 1 before sending, 2 before
    /// applying).
    var pendingMidReadyCrash: (node: Int, stage: Int, skip: Int)?
    var quietSince: Int?
    var convergedAt: Int?
    /// Terms for which each node's leader completeness was already checked.
    var checkedLeaderTerm: [UInt64]

    // Counters for the report.
    var crashes = 0
    /// Commits that landed on an entry of an earlier term than the committing leader's: only
    /// possible with the `commitOldTermEntries` switch (a sign the schedule reached Figure 8).
    public internal(set) var oldTermCommits = 0
    var partitions = 0
    var compactions = 0
    /// The root of every checkpoint some node found final, by size, and the first node that did.
    var finalCheckpoints: [UInt64: (root: MerkleHash, node: NodeID)] = [:]
    /// Which charter judges each checkpoint size, as the verifier would build it (`CheckpointObserver`).
    var checkpointObserver = CheckpointObserver()
    /// Nodes a scenario made present a forked history (`presentForkedHistory`).
    var forkedCheckpoints: Set<NodeID> = []
    var snapshotsInstalled = 0

    /// Sets up a run. `nodes` is clamped to 1...9. Flow control (entries per append, appends in
    /// flight) is drawn from the seed unless `maxBatchEntries` fixes the batch size. With a
    /// `clientRate` of 0 the log holds only leader no-ops (and the final liveness probe): much
    /// faster, for searches that target Raft alone.
    public init(
        seed: UInt64, nodes: Int, steps: Int, faults: SimulationFaults = .standard,
        testing: TestingSwitches = TestingSwitches(), livenessBound: Int = 200, maxBatchEntries: Int? = nil,
        clientRate: Double = 0.1, censor: (node: Int, party: String)? = nil, membership: Bool = false
    ) {
        // A membership run: three charter nodes and one to four spares that amendments add.
        let count = membership ? min(max(nodes, 4), 7) : min(max(nodes, 1), 9)
        guard let federation = membership ? SimFederation.cachedMembership[count] : SimFederation.cached[count] else {
            preconditionFailure("the simulated federation of \(count) nodes does not build: \(SimFederation.buildError(count, listed: membership ? 3 : nil))")
        }
        self.seed = seed
        self.nodeCount = count
        self.steps = max(steps, 1)
        self.faults = faults
        self.testing = testing
        self.censor = censor
        self.livenessBound = max(livenessBound, 1)
        self.clientRate = clientRate
        self.federation = federation
        self.nodeIndex = Dictionary(uniqueKeysWithValues: federation.nodeIDs.enumerated().map { ($1, $0) })
        var random = SimRandom(seed: seed)
        // Flow control varies by seed: small batches and windows make the interesting
        // interleavings (partial replication of a new leader's log) much more likely.
        var config = ReplicaConfig()
        config.tickMillis = Int(SimulatedNode.tickMillis)
        config.raft.maxBatchEntries = random.pick([1, 2, 4, 64]) ?? 64
        if let maxBatchEntries { config.raft.maxBatchEntries = max(maxBatchEntries, 1) }
        config.raft.maxInflightMessages = random.pick([1, 2, 8, 64]) ?? 64
        config.raftTesting = testing
        // Frequent snapshots (and small chunks) so that lagging followers need them; the core
        // decides when, as in braked.
        var knobs = SimRandom(seed: seed ^ 0x5A9_5A9_5A9)
        config.snapshotInterval = faults.compaction > 0 ? UInt64(knobs.pick([4, 8, 16, 32]) ?? 8) : 1_000_000
        config.snapshotChunkBytes = knobs.pick([256, 1024, 4096, 1 << 20]) ?? 4096
        config.snapshotWindowChunks = knobs.pick([2, 4, 8]) ?? 4
        replicaConfig = config
        var nodesList: [SimulatedNode] = []
        for id in federation.nodeIDs {
            let drift = Double(random.next(upperBound: 1_001)) / 1_000 * faults.clockDrift
            let slow = random.chance(0.3)
            let skew = faults.wallClockSkewMillis
            nodesList.append(SimulatedNode(
                id: id, replica: nil, registry: Registry(charter: federation.charter),
                fastRate: slow ? 0 : drift, slowRate: slow ? drift : 0,
                clockOffset: Millis(random.int(in: -skew...skew))
            ))
        }
        for i in nodesList.indices where federation.charter.node(id: nodesList[i].id) == nil {
            nodesList[i].dormant = true
        }
        self.nodes = nodesList
        self.membership = membership ? MembershipScenario(charterID: federation.charter.id) : nil
        self.network = SimulatedNetwork(faults: faults)
        self.audit = PolicyAudit(charter: federation.charter)
        self.clients = ClientState(target: random.next(upperBound: count))
        self.factory = DeclarationFactory(federation: federation)
        self.checkedLeaderTerm = Array(repeating: 0, count: count)
        self.random = random
        for i in 0..<count where !self.nodes[i].dormant { start(i) }
    }

    /// The step at which faults stop.
    var faultSteps: Int { Int(Double(steps) * min(max(faults.faultFraction, 0), 1)) }

    /// Runs to the end (or to the first violation) and reports.
    public mutating func run() -> SimulationReport {
        while violation == nil && !isFinished {
            step()
        }
        return report
    }

    /// Whether the run is over: after the faults stop, once the cluster converged and stayed
    /// quiet for a few more steps (or the liveness bound ran out); with faults until the last
    /// step, after `steps`.
    public var isFinished: Bool {
        guard let quietSince else { return stepCount >= steps }
        if let convergedAt { return stepCount >= convergedAt + 20 }
        return stepCount - quietSince > livenessBound
    }

    /// Executes one step (one global tick) and checks every invariant after it.
    public mutating func step() {
        guard violation == nil else { return }
        stepCount += 1
        if stepCount <= faultSteps {
            injectFaults()
        } else if quietSince == nil {
            beginQuiet()
        }
        clientStep()
        if stepCount <= faultSteps { membershipStep() }
        tickNodes()
        deliverMessages()
        checkAfterStep()
        hashStep()
    }

    /// The report of the run so far.
    public var report: SimulationReport {
        let pauses = nodes.max { $0.applied < $1.applied }?.registry.pauses ?? []
        return SimulationReport(
            seed: seed, nodes: nodeCount, steps: stepCount, violation: violation, traceHash: trace.value,
            committedIndex: history.committedIndex, acknowledged: clients.acknowledged,
            rejectedAtAdmission: clients.rejected, leaderTerms: history.leaders.count, pauses: pauses.count,
            lifts: pauses.filter { $0.liftedAt != nil }.count, crashes: crashes,
            partitions: partitions, compactions: compactions, snapshotsInstalled: snapshotsInstalled,
            messagesSent: network.sent, messagesDelivered: network.delivered, messagesDropped: network.dropped,
            convergedAtStep: convergedAt
        )
    }

    // MARK: Time

    mutating func tickNodes() {
        for i in shuffledNodeOrder() {
            var ticks = 1
            if random.chance(nodes[i].fastRate) { ticks += 1 }
            if random.chance(nodes[i].slowRate) { ticks -= 1 }
            nodes[i].clockTicks += UInt64(ticks)
            guard nodes[i].isUp else { continue }
            for _ in 0..<ticks {
                let time = nodes[i].time
                nodes[i].replica?.tick(at: time)
                handleReady(i)
                guard nodes[i].isUp else { break }
            }
        }
    }

    mutating func deliverMessages() {
        // Zero-latency messages sent while delivering are due at once: keep going, but bounded.
        var rounds = 0
        while violation == nil, rounds < 1_000, network.hasDue(now: UInt64(stepCount)) {
            rounds += 1
            for message in network.takeDue(now: UInt64(stepCount)) {
                guard let i = nodeIndex[message.to], nodes[i].isUp else { continue }
                let time = nodes[i].time
                nodes[i].replica?.receive(message, from: message.from, at: time)
                handleReady(i)
                if violation != nil { return }
            }
        }
    }

    func shuffledNodeOrder() -> [Int] {
        var order = Array(0..<nodeCount)
        var r = SimRandom(seed: seed ^ UInt64(stepCount) &* 0x9E37_79B9)
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, r.next(upperBound: i + 1))
        }
        return order
    }


    // MARK: Trace

    mutating func note(_ event: String) {
        if events.count >= 40 { events.removeFirst(events.count - 39) }
        events.append("step \(stepCount): \(event)")
    }

    mutating func fail(_ kind: InvariantViolation.Kind, _ message: String) {
        guard violation == nil else { return }
        violation = InvariantViolation(kind: kind, step: stepCount, message: message, recentEvents: events + nodeSummaries())
    }

    func nodeSummaries() -> [String] {
        nodes.map { node in
            guard let raft = node.raft else {
                return "\(node.id): down; stored term \(node.store.hardState.term), last index \(node.store.lastIndex), commit \(node.store.hardState.commit)"
            }
            let members = membership == nil ? "" : ", \(raft.membership), charter \(node.registry.charter.nodes.map(\.id))"
            return "\(node.id): \(raft.role.rawValue) term \(raft.term), last \(raft.lastIndex), commit \(raft.commitIndex), applied \(node.applied), snapshot \(node.store.snapshotIndex)\(members)"
        }
    }

    mutating func hashStep() {
        trace.combine(UInt64(stepCount))
        for node in nodes {
            guard let raft = node.raft else {
                trace.combine(0xDEAD)
                continue
            }
            trace.combine(raft.term)
            trace.combine(raft.role.rawValue)
            trace.combine(raft.commitIndex)
            trace.combine(node.applied)
            trace.combine(node.store.chain(at: node.store.lastIndex) ?? 0)
        }
        trace.combine(UInt64(network.delivered))
        trace.combine(UInt64(clients.acknowledged))
    }
}
