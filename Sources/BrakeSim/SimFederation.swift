import BrakeCore
import BrakeRaft

/// The federation a simulation runs: the three parties of the development federation (lab-a,
/// lab-b, gov-a, with its trigger and lift policies) but N nodes, plus a stranger's key that the
/// charter does not know, for the invalid declarations the clients send.
///
/// The keys come from fixed seeds, so every run of every seed shares one federation; only the
/// run's seed decides what happens in it.
public struct SimFederation: Sendable {
    /// The verified charter every node starts from.
    public let charter: Charter
    /// The charter envelope, signed by all three parties.
    public let charterEnvelope: Envelope
    /// Each party's signing key, in charter order.
    public let keys: [(party: String, key: SigningKey)]
    /// A valid Ed25519 key that belongs to no party of the charter.
    public let stranger: SigningKey
    /// The Raft ids of the nodes, in charter order: the charter's nodes, then the spare nodes
    /// that only an amendment can add (`listed`).
    public let nodeIDs: [NodeID]
    /// Every node's entry, the charter's and the spares', in `nodeIDs` order.
    public let nodes: [NodeInfo]

    /// Builds a charter for `nodes` nodes, operated round-robin by the three parties, signs it
    /// with every party and verifies it the way a node would (`Charter.verify`). With `listed`,
    /// the charter lists only the first `listed` nodes; the others are spares, with identities of
    /// their own, that a membership scenario adds by amendment.
    public static func make(nodes: Int, listed: Int? = nil) throws(BrakeError) -> SimFederation {
        let parties: [(id: String, name: String, partyClass: PartyClass)] = [
            ("lab-a", "Lab A", .lab), ("lab-b", "Lab B", .lab), ("gov-a", "Gov A", .government),
        ]
        var keys: [(party: String, key: SigningKey)] = []
        var charterParties: [Party] = []
        for (n, spec) in parties.enumerated() {
            let key = try SigningKey(seed: fixedSeed(UInt8(n + 1)))
            keys.append((spec.id, key))
            charterParties.append(Party(id: spec.id, name: spec.name, partyClass: spec.partyClass, keys: [key.publicKey]))
        }
        let count = max(nodes, 1)
        var nodeInfos: [NodeInfo] = []
        for n in 1...count {
            // No TLS in the simulation: a fixed pin and checkpoint key per node keep the charter valid.
            nodeInfos.append(NodeInfo(
                id: "node-\(n)", party: parties[(n - 1) % parties.count].id, address: "10.0.0.\(n):7401",
                tlsPin: sha256Hex(Array("brake-sim tls key of node-\(n)".utf8)),
                checkpointKey: try SigningKey(seed: fixedSeed(UInt8(0x40 + n))).publicKey
            ))
        }
        let draft = Charter(
            federation: "brake-sim",
            parties: charterParties,
            nodes: Array(nodeInfos.prefix(min(max(listed ?? count, 1), count))),
            trigger: PolicyRule(clauses: [PolicyClause(atLeast: 2)]),
            lift: PolicyRule(clauses: [PolicyClause(atLeast: 2), PolicyClause(atLeast: 1, partyClass: .government)]),
            amend: PolicyRule(clauses: [PolicyClause(atLeast: 3)]),
            motionLifetimeSeconds: 3_600,
            attestationIntervalSeconds: 86_400,
            pauseSunsetSeconds: nil,
            // 20 s = 200 ticks: a censorship scenario (Specs/gossip.md) runs in a few hundred steps.
            maxPendingSeconds: 20
        )
        try draft.validate()
        var envelope = draft.unsignedEnvelope()
        for (_, key) in keys { envelope = envelope.signed(with: key) }
        let charter = try Charter.verify(envelope)
        return SimFederation(
            charter: charter, charterEnvelope: envelope, keys: keys,
            stranger: try SigningKey(seed: fixedSeed(0xEE)), nodeIDs: nodeInfos.map(\.id), nodes: nodeInfos
        )
    }

    /// The federations of 1 to 9 nodes, built once per process: building one signs and verifies
    /// a charter, which every run would otherwise repeat.
    static let cached: [Int: SimFederation] = {
        var result: [Int: SimFederation] = [:]
        for n in 1...9 {
            if let federation = try? make(nodes: n) { result[n] = federation }
        }
        return result
    }()

    /// Membership federations: 3 charter nodes plus 1 to 4 spares, by total node count (4 to 7).
    static let cachedMembership: [Int: SimFederation] = {
        var result: [Int: SimFederation] = [:]
        for n in 4...7 {
            if let federation = try? make(nodes: n, listed: 3) { result[n] = federation }
        }
        return result
    }()

    /// Why the federation of `nodes` nodes does not build (for the failure message).
    static func buildError(_ nodes: Int, listed: Int? = nil) -> String {
        do {
            _ = try make(nodes: nodes, listed: listed)
            return "no error"
        } catch {
            return error.description
        }
    }

    /// The signing key of `party`.
    public func key(of party: String) -> SigningKey? {
        keys.first { $0.party == party }?.key
    }

    /// The party ids, in charter order.
    public var partyIDs: [String] { keys.map(\.party) }

    static func fixedSeed(_ tag: UInt8) -> [UInt8] {
        (0..<32).map { UInt8(truncatingIfNeeded: Int(tag) &* 31 &+ $0 &* 7) }
    }
}

extension SimFederation {
    /// The simulated federation of `cachedNodes` nodes (1 to 9), built once per process.
    public static func make(cachedNodes: Int) -> SimFederation? {
        cached[cachedNodes]
    }
}
