import BrakeCore
import BrakeRaft

/// Entry points for the test suites: the seed sweep's configuration for each seed, and controls
/// and queries for scripted scenarios (partition a node, heal, look at roles).
extension Simulation {
    /// The run the seed sweep performs for `seed`: the cluster size (3, 5 or 7), the fault
    /// profile and the length all derive from the seed, so `BRAKE_SIM_SEED=<seed>` replays it.
    public static func sweep(seed: UInt64) -> Simulation {
        var plan = SimRandom(seed: seed ^ 0x5EED_5EED_5EED_5EED)
        let roll = plan.next(upperBound: 100)
        let nodes = roll < 45 ? 3 : roll < 85 ? 5 : 7
        let profile = plan.next(upperBound: 100)
        let faults: SimulationFaults = profile < 60 ? .standard : profile < 85 ? .severe : .leaderChurn
        let steps = plan.int(in: 150...250)
        return Simulation(seed: seed, nodes: nodes, steps: steps, faults: faults)
    }

    /// The membership sweep's run for `seed`: three charter nodes and one to three spares, the
    /// fault profile and the length from the seed; amendments change the nodes while faults run.
    /// `BRAKE_SIM_MEMBERSHIP_SEED=<seed>` replays it.
    public static func membershipSweep(seed: UInt64) -> Simulation {
        var plan = SimRandom(seed: seed ^ 0x3E3B_E125_41B0_0C0D)
        let nodes = 4 + plan.next(upperBound: 3)
        let profile = plan.next(upperBound: 100)
        let faults: SimulationFaults = profile < 60 ? .standard : profile < 85 ? .severe : .leaderChurn
        let steps = plan.int(in: 400...700)
        return Simulation(seed: seed, nodes: nodes, steps: steps, faults: faults, livenessBound: 400, membership: true)
    }

    /// The ids of the nodes, in charter order.
    public var nodeIDs: [NodeID] { federation.nodeIDs }

    /// The leader with the highest term among the running nodes, if any.
    public var leader: NodeID? {
        nodes.compactMap { node in node.raft.flatMap { $0.role == .leader ? ($0.term, node.id) : nil } }
            .max { $0.0 < $1.0 }?.1
    }

    /// The role of `node`, or nil while it is crashed.
    public func role(of node: NodeID) -> RaftRole? {
        nodeIndex[node].flatMap { nodes[$0].raft?.role }
    }

    /// The current term of `node`, or nil while it is crashed.
    public func term(of node: NodeID) -> UInt64? {
        nodeIndex[node].flatMap { nodes[$0].raft?.term }
    }

    /// The highest index `node` applied to its registry.
    public func appliedIndex(of node: NodeID) -> UInt64 {
        nodeIndex[node].map { nodes[$0].applied } ?? 0
    }

    /// The registry `node` last applied (kept while it is crashed).
    public func registry(of node: NodeID) -> Registry? {
        nodeIndex[node].map { nodes[$0].registry }
    }

    /// The highest index committed in the run (as the observer saw it).
    public var committedIndex: UInt64 { history.committedIndex }

    /// Submissions acknowledged so far.
    public var acknowledged: Int { clients.acknowledged }

    /// Cuts `node` off from every other node, both ways.
    public mutating func isolate(_ node: NodeID) {
        network.partition([node], federation.nodeIDs.filter { $0 != node })
        note("scenario: \(node) isolated")
    }

    /// Restores every link.
    public mutating func heal() {
        network.heal()
        note("scenario: healed")
    }

    /// Sets `node`'s wall clock `millis` ahead of true time (behind if negative), as a node whose
    /// clock is wrong or hostile. From then on the time-bound invariant holds every committed stamp
    /// to the other nodes' clocks: while they are a majority, nothing this node stamps may commit.
    public mutating func setClockOffset(of node: NodeID, millis: Millis) {
        guard let i = nodeIndex[node] else { return }
        nodes[i].clockOffset = millis
        nodes[i].clockSetWrong = true
        note("scenario: \(node)'s wall clock set \(millis) ms off")
    }

    /// Asks the current leader to hand leadership to `node` (thesis §3.10); false when there is
    /// no leader or it refuses.
    public mutating func transferLeadership(to node: NodeID) -> Bool {
        guard let leader, let i = nodeIndex[leader], nodes[i].replica != nil else { return false }
        do { try nodes[i].replica?.transferLeadership(to: node) } catch { return false }
        note("scenario: \(leader) transfers leadership to \(node)")
        handleReady(i)
        return true
    }

    /// Appends refused for their stamps by `node` since it last started (`BrakeReplica.refusedAppends`).
    public func refusedAppends(of node: NodeID) -> Int {
        nodeIndex[node].flatMap { nodes[$0].replica?.refusedAppends } ?? 0
    }

    /// Whether `node`'s log holds, past its commit index, an entry stamped after `time` (an entry
    /// it stamped that has not committed, or not yet).
    public func holdsUncommittedStamp(_ node: NodeID, after time: Millis) -> Bool {
        guard let i = nodeIndex[node], let raft = nodes[i].raft else { return false }
        return nodes[i].store.entries.contains { entry in
            entry.index > raft.commitIndex && (LogRecord.stamp(of: entry.data) ?? .min) > time
        }
    }

    /// Has the current leader propose a fresh trigger motion, validly signed and dated by true
    /// time, without admission (as a hostile leader would), stamped by the leader's own clock.
    /// Returns the leader, or nil when there is none or it cannot propose.
    public mutating func proposeMotionOnLeader() -> NodeID? {
        guard let leader, let i = nodeIndex[leader], let proposer = federation.partyIDs.first else { return nil }
        let nonce = clients.nextNonce(&random)
        guard let motion = factory.motion(
            kind: .trigger, scope: "training", pause: nil, proposer: proposer, now: trueTime, nonce: nonce) else { return nil }
        let time = nodes[i].time
        guard nodes[i].replica?.proposeWithoutAdmission(factory.signed(motion, by: [proposer]), at: time) != nil else { return nil }
        note("scenario: \(leader) proposes a motion stamped \(time.wall)")
        handleReady(i)
        return leader
    }

    /// The true time now (the simulated epoch plus the steps taken), in milliseconds.
    public var trueTime: Millis { SimulatedNode.epoch + Millis(stepCount) * SimulatedNode.tickMillis }

    /// Steps until `condition` holds (true) or `maxSteps` ran out or an invariant broke (false).
    public mutating func run(maxSteps: Int, until condition: (Simulation) -> Bool) -> Bool {
        for _ in 0..<maxSteps {
            if violation != nil { return false }
            if condition(self) { return true }
            step()
        }
        return violation == nil && condition(self)
    }
}

extension Simulation {
    /// Proposes `envelopes` on the current leader without admission (the benchmark measures
    /// the core and the apply). Returns how many were proposed (0 without a leader).
    public mutating func proposeOnLeader(_ envelopes: [Envelope]) -> Int {
        guard let leader, let i = nodeIndex[leader] else { return 0 }
        var count = 0
        for envelope in envelopes {
            let time = nodes[i].time
            guard nodes[i].replica?.proposeWithoutAdmission(envelope, at: time) != nil else { break }
            count += 1
        }
        handleReady(i)
        return count
    }

    /// The most a committed stamp may be: the latest wall clock among the nodes no scenario set
    /// wrong, plus the charter's skew. Nil while no clock was set wrong (the default faults keep
    /// every clock within seconds of true time, far inside the skew).
    var committedStampBound: Millis? {
        guard nodes.contains(where: \.clockSetWrong) else { return nil }
        let honest = nodes.filter { !$0.clockSetWrong }.map(\.wallClock)
        guard let latest = honest.max() else { return nil }
        return latest + federation.charter.clockSkewMillis
    }

    /// The lowest applied index among the running nodes.
    public var minimumAppliedIndex: UInt64 {
        nodes.filter(\.isUp).map(\.applied).min() ?? 0
    }
}
