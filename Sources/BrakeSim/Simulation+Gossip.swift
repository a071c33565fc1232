import BrakeCore
import BrakeRaft
import BrakeReplica

/// Scenario controls and queries for the pending pool and gossip: cut single links, submit a
/// declaration at a chosen node, and look at what each node pools and has applied.
extension Simulation {
    /// Cuts both directions of the link between `a` and `b` only; every other link keeps working.
    public mutating func cutLink(_ a: NodeID, _ b: NodeID) {
        network.partition([a], [b])
        note("scenario: link \(a)–\(b) cut")
    }

    /// Cuts the links between the nodes of `a` and those of `b` (a partition).
    public mutating func partition(_ a: [NodeID], _ b: [NodeID]) {
        network.partition(a, b)
        partitions += 1
        note("scenario: \(a) cut off from \(b)")
    }

    /// A fresh trigger motion of `scope`, dated by true time, proposed by `signers[0]` and signed
    /// by every party of `signers`.
    public mutating func trigger(_ scope: String, signers: [String]) -> Envelope? {
        guard let proposer = signers.first else { return nil }
        let nonce = clients.nextNonce(&random)
        guard let motion = factory.motion(kind: .trigger, scope: scope, pause: nil, proposer: proposer, now: trueTime, nonce: nonce)
        else { return nil }
        return factory.signed(motion, by: signers)
    }

    /// A lift of pause `pause` (of `scope`), dated by true time, signed by `signers`.
    public mutating func lift(_ pause: String, scope: String, signers: [String]) -> Envelope? {
        guard let proposer = signers.first else { return nil }
        let nonce = clients.nextNonce(&random)
        guard let motion = factory.motion(kind: .lift, scope: scope, pause: pause, proposer: proposer, now: trueTime, nonce: nonce)
        else { return nil }
        return factory.signed(motion, by: signers)
    }

    /// `envelope`'s payload signed by `party` alone (a co-signer who sends only their signature).
    public func cosigned(_ envelope: Envelope, by party: String) -> Envelope {
        factory.cosigned(envelope, by: party, alone: true)
    }

    /// Hands `envelope` to `node`'s core as a client of that node would (its answer is not
    /// tracked: the scenario watches pools and registries instead).
    public mutating func submit(_ envelope: Envelope, on node: NodeID) {
        guard let i = nodeIndex[node], nodes[i].isUp else { return }
        let requestID = clients.nextRequestID
        clients.nextRequestID += 1
        let time = nodes[i].time
        nodes[i].replica?.submit(envelope, requestID: requestID, timeoutMillis: 3_000, at: time)
        note("scenario: \(motionID(payload: envelope.payload).prefix(12)) submitted at \(node)")
        handleReady(i)
    }

    /// The parties whose signatures `node` pools for declaration `id` (nil: it pools none).
    public func pooledParties(of id: String, on node: NodeID) -> [String]? {
        nodeIndex[node].flatMap { nodes[$0].replica?.pool.entries[id]?.parties }
    }

    /// The declarations `node` pools.
    public func poolCount(on node: NodeID) -> Int {
        nodeIndex[node].flatMap { nodes[$0].replica?.pool.count } ?? 0
    }

    /// Whether `node` has applied a committed motion of id `id` whose signers include `parties`.
    public func hasApplied(_ id: String, signers parties: [String] = [], on node: NodeID) -> Bool {
        guard let i = nodeIndex[node], let record = nodes[i].registry.motion(id: id) else { return false }
        return Set(parties).isSubset(of: record.signerParties)
    }

    /// Censorship alarms `node` raised since it last started.
    public func censorshipAlarmsRaised(on node: NodeID) -> Int {
        nodeIndex[node].flatMap { nodes[$0].replica?.censorshipAlarmsRaised } ?? 0
    }

    /// The censorship alarms in force on `node`.
    public func censorshipAlarms(on node: NodeID) -> [BrakeReplica.CensorshipAlarm] {
        nodeIndex[node].flatMap { nodes[$0].replica?.censorshipAlarms } ?? []
    }

    /// `node`'s local `check` answer for `scope` now (what its shell would answer), with the
    /// staleness bound a client would give.
    public func check(_ scope: String, on node: NodeID, maxStalenessMillis: Int64 = 5_000) -> CheckVerdict? {
        guard let i = nodeIndex[node], let replica = nodes[i].replica, let scope = try? Scope(scope) else { return nil }
        return replica.localCheck(scope, maxStalenessMillis: maxStalenessMillis, at: nodes[i].time)
    }

    /// Whether `node` holds declaration `id`: pooled or applied.
    public func holds(_ id: String, on node: NodeID) -> Bool {
        pooledParties(of: id, on: node) != nil || hasApplied(id, on: node)
    }
}
