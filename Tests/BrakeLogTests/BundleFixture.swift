import BrakeCore
import BrakeLog

/// A small federation (three parties, three nodes) and a history of its declarations as a bundle:
/// a trigger that passes with two signatures, a lift that passes, a second trigger co-signed in a
/// later entry, with no-op entries between, the checkpoint cosigned by `cosigners`.
struct BundleFixture {
    static let federation = "brake-bundle-test"
    let charter: Charter
    let charterEnvelope: Envelope
    let partyKeys: [String: SigningKey]
    let nodeKeys: [String: SigningKey]
    var entries: [BundleEntry] = []
    /// Every entry's data by index, no-ops as empty data: what a node applied.
    var applied: [(index: UInt64, data: [UInt8])] = []

    init() throws {
        func key(_ byte: UInt8) throws -> SigningKey { try SigningKey(seed: Array(repeating: byte, count: 32)) }
        let parties: [(String, PartyClass, SigningKey)] = [
            ("lab-a", .lab, try key(1)), ("lab-b", .lab, try key(2)), ("gov-a", .government, try key(3)),
        ]
        var nodes: [NodeInfo] = []
        var nodeKeys: [String: SigningKey] = [:]
        for (n, party) in ["lab-a", "lab-b", "gov-a"].enumerated() {
            let key = try key(UInt8(10 + n))
            nodeKeys["node-\(n + 1)"] = key
            nodes.append(NodeInfo(
                id: "node-\(n + 1)", party: party, address: "127.0.0.1:\(7401 + n)",
                tlsPin: String(repeating: "\(n + 1)", count: 64), checkpointKey: key.publicKey))
        }
        let charter = Charter(
            federation: Self.federation,
            parties: parties.map { Party(id: $0.0, name: $0.0, partyClass: $0.1, keys: [$0.2.publicKey]) },
            nodes: nodes,
            trigger: PolicyRule(clauses: [PolicyClause(atLeast: 2)]),
            lift: PolicyRule(clauses: [PolicyClause(atLeast: 2), PolicyClause(atLeast: 1, partyClass: .government)]),
            amend: PolicyRule(clauses: [PolicyClause(atLeast: 3)]),
            motionLifetimeSeconds: 86_400, attestationIntervalSeconds: 3_600, pauseSunsetSeconds: nil)
        try charter.validate()
        var envelope = charter.unsignedEnvelope()
        for party in parties { envelope = envelope.signed(with: party.2) }
        self.charter = charter
        self.charterEnvelope = envelope
        self.partyKeys = Dictionary(uniqueKeysWithValues: parties.map { ($0.0, $0.2) })
        self.nodeKeys = nodeKeys

        let t0: Millis = 1_764_583_200_000
        let first = try motion(.trigger, "training/frontier", proposer: "lab-a", created: t0, nonce: "01")
        let firstID = motionID(payload: first.payload)
        append(noopAt: 1)
        append(first.signed(with: partyKeys["lab-a"]!).signed(with: partyKeys["lab-b"]!), index: 2, time: t0 + 1_000)
        let lift = try motion(.lift, "training/frontier", pause: firstID, proposer: "gov-a", created: t0 + 5_000, nonce: "02")
        append(lift.signed(with: partyKeys["gov-a"]!).signed(with: partyKeys["lab-a"]!), index: 3, time: t0 + 6_000)
        append(noopAt: 4)
        let second = try motion(.trigger, "inference", proposer: "lab-b", created: t0 + 7_000, nonce: "03")
        append(second.signed(with: partyKeys["lab-b"]!), index: 5, time: t0 + 8_000)
        append(second.signed(with: partyKeys["gov-a"]!), index: 6, time: t0 + 9_000)
        // The same co-signature again: the registry rejects it (no new signature); still history.
        append(second.signed(with: partyKeys["gov-a"]!), index: 7, time: t0 + 10_000)
        append(noopAt: 8)
    }

    private func motion(_ kind: MotionKind, _ scope: String, pause: String? = nil, proposer: String, created: Millis, nonce: String) throws -> Envelope {
        Motion(
            federation: Self.federation, kind: kind, scope: try Scope(scope), reason: "fixture", pause: pause, proposer: proposer,
            created: created, expires: created + 3_600_000, nonce: String(repeating: nonce, count: 8)
        ).unsignedEnvelope()
    }

    private mutating func append(_ envelope: Envelope, index: UInt64, time: Millis) {
        entries.append(BundleEntry(leaf: LogLeaf(entryIndex: index, time: time, envelope: envelope), position: UInt64(entries.count)))
        applied.append((index, LogRecord(time: time, envelope: envelope).encoded()))
    }

    private mutating func append(noopAt index: UInt64) { applied.append((index, [])) }

    /// The tree of the entries.
    var checkpoint: Checkpoint {
        get throws {
            var frontier = MerkleFrontier()
            for entry in entries { _ = frontier.append(leafHash: entry.leaf.hash) }
            return try Checkpoint(origin: Self.federation, size: frontier.size, root: frontier.root)
        }
    }

    /// The header with a note cosigned by `cosigners` (node ids) over `checkpoint`.
    func header(cosigners: [String] = ["node-1", "node-2"], checkpoint: Checkpoint? = nil, historyFrom: UInt64 = 1) throws -> BundleHeader {
        let checkpoint = try checkpoint ?? self.checkpoint
        var signed = SignedCheckpoint(checkpoint: checkpoint)
        for node in cosigners {
            signed = signed.adding(Cosignature.sign(
                checkpoint, keyName: Cosignature.keyName(origin: Self.federation, node: node), key: nodeKeys[node]!, timestamp: 1_764_583_300))
        }
        return BundleHeader(
            federation: Self.federation, charter: charterEnvelope,
            checkpoint: BundleCheckpoint(note: signed.text, size: checkpoint.size, root: checkpoint.root, appliedIndex: 8),
            exportedAt: "2025-12-01T10:00:00.000Z", exportedFrom: "node-1", historyFrom: historyFrom)
    }

    /// Verifies `entries` under `header` as `brakectl verify` does.
    static func verify(_ header: BundleHeader, _ entries: [BundleEntry]) throws(BundleFailure) -> BundleReport {
        var verifier = try BundleVerifier(header: header)
        for entry in entries { try verifier.append(BundleVerifier.prepare(entry, charter: verifier.charter)) }
        return try verifier.finish()
    }
}
