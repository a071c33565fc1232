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

    /// The lowest applied index among the running nodes.
    public var minimumAppliedIndex: UInt64 {
        nodes.filter(\.isUp).map(\.applied).min() ?? 0
    }
}
