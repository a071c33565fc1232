import BrakeCore
import BrakeRaft
import BrakeReplica

/// The membership scenario (Specs/consensus.md): while the faults run, an operator changes the
/// charter's nodes through real amendment declarations, signed by every party (the simulated
/// charter's `amend` policy) and submitted to a node like any declaration — a spare node joins,
/// a node (often the leader) leaves, or one replaces another. The leaders' planners then move Raft's
/// voters to the charter one server at a time, among partitions, crashes and elections.
///
/// A spare is started (as a joining node, with the charter in force as its introducers) when the
/// amendment that adds it is first submitted, as an operator would start it. One amendment is in
/// flight at a time; one that does not take effect within `resubmitAfter` steps is made again
/// against the charter then in force.
struct MembershipScenario {
    /// The node set the amendment in flight asks for, and when it was last submitted.
    var wanted: (nodes: Set<NodeID>, at: Int)?
    /// The step from which the next change may start.
    var nextChangeAt = 10
    /// The charter id last seen in force.
    var charterID: String
    /// Amendments submitted (resubmissions included) and amendments seen taking effect.
    var submitted = 0
    var inForce = 0
    /// Steps after which an amendment that has not taken effect is made again.
    static let resubmitAfter = 80
    /// The fewest nodes a change may leave in the charter.
    static let minimumNodes = 3
}

extension Simulation {
    /// The charter in force as the most advanced node applied it.
    var charterInForce: Charter {
        nodes.filter { !$0.dormant }.max { $0.applied < $1.applied }?.registry.charter ?? federation.charter
    }

    /// One step of the membership scenario (while the faults run).
    mutating func membershipStep() {
        guard var scenario = membership else { return }
        defer { membership = scenario }
        let charter = charterInForce
        if charter.id != scenario.charterID {
            scenario.charterID = charter.id
            scenario.inForce += 1
            note("charter in force: nodes \(charter.nodes.map(\.id).sorted())")
            if let wanted = scenario.wanted, Set(charter.nodes.map(\.id)) == wanted.nodes {
                scenario.wanted = nil
                scenario.nextChangeAt = stepCount + 10 + random.next(upperBound: 30)
            }
        }
        if let wanted = scenario.wanted {
            guard stepCount - wanted.at >= MembershipScenario.resubmitAfter else { return }
            if submitAmendment(to: wanted.nodes, from: charter) {
                scenario.submitted += 1
                scenario.wanted = (wanted.nodes, stepCount)
            }
            return
        }
        guard stepCount >= scenario.nextChangeAt, let next = nextNodeSet(from: charter) else { return }
        if submitAmendment(to: next, from: charter) {
            scenario.submitted += 1
            scenario.wanted = (next, stepCount)
        }
    }

    /// A change of the charter's nodes: add a spare, remove a node (the leader, often), or both.
    mutating func nextNodeSet(from charter: Charter) -> Set<NodeID>? {
        let listed = Set(charter.nodes.map(\.id))
        // A node leaves for good: spares never started are the only ones that may join.
        let spares = nodes.filter { $0.dormant }.map(\.id)
        let leader = self.leader.flatMap { listed.contains($0) ? $0 : nil }
        func leaving() -> NodeID? {
            if let leader, random.chance(0.4) { return leader }
            return random.pick(listed.sorted())
        }
        var next = listed
        let canRemove = listed.count > MembershipScenario.minimumNodes
        switch (spares.isEmpty, canRemove) {
        case (true, false):
            return nil
        case (true, true):
            guard let gone = leaving() else { return nil }
            next.remove(gone)
        case (false, false):
            guard let spare = random.pick(spares) else { return nil }
            next.insert(spare)
            if random.chance(0.4), let gone = leaving() { next.remove(gone) }
        case (false, true):
            if random.chance(0.5), let spare = random.pick(spares) {
                next.insert(spare)
            } else if let gone = leaving() {
                next.remove(gone)
            }
        }
        return next == listed ? nil : next
    }

    /// Builds the amendment that makes `target` the charter's nodes, signed by every party, starts
    /// the spares it adds, and submits it to a running node of the charter. False when no node of
    /// the charter runs.
    mutating func submitAmendment(to target: Set<NodeID>, from charter: Charter) -> Bool {
        let listed = charter.nodes.map(\.id)
        guard let i = random.pick(listed.compactMap { nodeIndex[$0] }.filter { nodes[$0].isUp }) else { return false }
        var next = charter
        next.nodes = federation.nodes.filter { target.contains($0.id) }
        let now = trueTime
        let amendment = Amendment(
            federation: charter.federation, amends: charter.id, charter: next, proposer: federation.partyIDs[0],
            reason: "simulated membership change", created: now, expires: now + 1_800_000, nonce: clients.nextNonce(&random))
        var envelope = amendment.unsignedEnvelope()
        for (_, key) in federation.keys { envelope = envelope.signed(with: key) }
        for id in target.sorted() where !listed.contains(id) {
            guard let j = nodeIndex[id], nodes[j].dormant else { continue }
            nodes[j].dormant = false
            nodes[j].introducers = charter.nodes
            start(j)
            note("\(id) started to join")
        }
        let requestID = clients.nextRequestID
        clients.nextRequestID += 1
        let time = nodes[i].time
        nodes[i].replica?.submit(envelope, requestID: requestID, timeoutMillis: 3_000, at: time)
        note("amendment submitted at \(nodes[i].id): nodes \(listed.sorted()) -> \(target.sorted())")
        handleReady(i)
        return true
    }

    /// Whether `node` must take part in convergence: a node of the charter in force (all of them
    /// outside the membership scenario).
    func mustConverge(_ node: SimulatedNode, charter: Charter) -> Bool {
        membership == nil || charter.node(id: node.id) != nil
    }

    /// Liveness of the membership: once the run converged, the leader's voters are the charter's
    /// nodes, with no learner left.
    func membershipSettled(charter: Charter) -> Bool {
        guard membership != nil else { return true }
        guard let leader = nodes.first(where: { $0.raft?.role == .leader }), let raft = leader.raft else { return false }
        return raft.membership == Membership(voters: charter.nodes.map(\.id))
    }

    /// Amendments the scenario submitted, and changes of the charter it saw take effect.
    public var amendmentCounts: (submitted: Int, inForce: Int) {
        (membership?.submitted ?? 0, membership?.inForce ?? 0)
    }
}

extension Simulation {
    /// Scripted: submits an amendment that makes `target` the charter's nodes (starting the spares
    /// it adds). False when no node of the charter runs.
    public mutating func amendNodes(to target: Set<NodeID>) -> Bool {
        guard membership != nil else { return false }
        let charter = charterInForce
        guard submitAmendment(to: target, from: charter) else { return false }
        membership?.submitted += 1
        return true
    }

    /// The charter's nodes as the most advanced node applied them, sorted.
    public var charterNodes: [NodeID] { charterInForce.nodes.map(\.id).sorted() }

    /// Raft's membership as `node`'s log has it, or nil while it is down or dormant.
    public func membership(of node: NodeID) -> Membership? {
        nodeIndex[node].flatMap { nodes[$0].raft?.membership }
    }
}
