import BrakeCore
import BrakeHarness
import Foundation

/// A small federation built by hand for checker tests: p1 and p3 labs, p2 a government; trigger 2
/// parties, lift 2 parties with a government. Histories and logs are written as a client and a
/// node would have seen them.
struct CheckerFixture {
    let keys: [String: SigningKey]
    let charter: Charter

    init() throws {
        var keys: [String: SigningKey] = [:]
        for (n, id) in ["p1", "p2", "p3"].enumerated() {
            keys[id] = try SigningKey(seed: (0..<32).map { UInt8(($0 * 7 + n * 31 + 1) % 251) })
        }
        self.keys = keys
        let parties = [
            Party(id: "p1", name: "Lab 1", partyClass: .lab, keys: [keys["p1"]!.publicKey]),
            Party(id: "p2", name: "Gov 2", partyClass: .government, keys: [keys["p2"]!.publicKey]),
            Party(id: "p3", name: "Lab 3", partyClass: .lab, keys: [keys["p3"]!.publicKey]),
        ]
        charter = Charter(
            federation: "checker-test", parties: parties,
            nodes: try (1...3).map { n in
                NodeInfo(
                    id: "node-\(n)", party: "p\(n)", address: "127.0.0.1:\(7400 + n)",
                    tlsPin: String(repeating: String(n), count: 64),
                    checkpointKey: try SigningKey(seed: Array(repeating: UInt8(0x40 + n), count: 32)).publicKey)
            },
            trigger: PolicyRule(clauses: [PolicyClause(atLeast: 2)]),
            lift: PolicyRule(clauses: [PolicyClause(atLeast: 2), PolicyClause(atLeast: 1, partyClass: .government)]),
            amend: PolicyRule(clauses: [PolicyClause(atLeast: 3)]),
            motionLifetimeSeconds: 86_400, attestationIntervalSeconds: 86_400
        )
    }

    func motion(_ kind: MotionKind, scope: String, pause: String? = nil, proposer: String, nonce: String) throws -> Motion {
        Motion(
            federation: charter.federation, kind: kind, scope: try Scope(scope), reason: "checker test",
            pause: pause, proposer: proposer, created: 1_800_000_000_000, expires: 1_800_003_600_000, nonce: nonce
        )
    }

    /// The envelope of `motion` signed by `party` alone: what one submission carries.
    func signed(_ motion: Motion, by party: String) -> Envelope {
        motion.unsignedEnvelope().signed(with: keys[party]!)
    }

    /// A log entry holding `envelope`.
    func entry(_ index: UInt64, _ envelope: Envelope, term: UInt64 = 1) -> LoggedEntry {
        LoggedEntry(index: index, term: term, declaration: envelope)
    }

    /// The record of an acknowledged (or otherwise answered) submission of `envelope`.
    func submit(
        _ envelope: Envelope, motion: Motion, by party: String, node: Int = 1, at time: Double,
        outcome: SubmitRecord.Outcome
    ) -> SubmitRecord {
        SubmitRecord(
            node: node, motionID: motionID(payload: envelope.payload), kind: motion.kind.rawValue,
            scope: motion.scope.path, pause: motion.pause, signer: party,
            signature: Data(envelope.signatures.last!.sig).base64EncodedString(),
            invokedAt: time, completedAt: time + 0.05, outcome: outcome
        )
    }

    func check(_ verdict: String?, node: Int = 2, scope: String = "training/frontier", at time: Double, staleness: Int = 1_000) -> CheckRecord {
        CheckRecord(node: node, scope: scope, maxStalenessMillis: staleness, invokedAt: time, completedAt: time + 0.01, verdict: verdict)
    }

    /// A good run: p1 proposes a trigger of `training` (t=1), p3 co-signs and it passes (t=2);
    /// p1 proposes a lift (t=5), p2 co-signs and it passes (t=6). Checks on `training/frontier`
    /// say clear before, paused (or unknown) during, clear after. Three nodes hold the same log.
    struct Run {
        var history: History
        var finals: [NodeFinalState]
        var trigger: Motion
        var lift: Motion
        var log: [LoggedEntry]
    }

    func goodRun() throws -> Run {
        let trigger = try motion(.trigger, scope: "training", proposer: "p1", nonce: "00112233445566778899aabbccddeeff")
        let pauseID = motionID(payload: trigger.payloadBytes())
        let lift = try motion(.lift, scope: "training", pause: pauseID, proposer: "p1", nonce: "ffeeddccbbaa99887766554433221100")
        let liftID = motionID(payload: lift.payloadBytes())
        let t1 = signed(trigger, by: "p1"), t3 = signed(trigger, by: "p3")
        let l1 = signed(lift, by: "p1"), l2 = signed(lift, by: "p2")
        let log = [
            LoggedEntry(index: 1, term: 1, declaration: nil),
            entry(2, t1), entry(3, t3), entry(4, l1), entry(5, l2),
        ]
        let history = History(
            submits: [
                submit(t1, motion: trigger, by: "p1", at: 1, outcome: .acknowledged(index: 2, state: "open")),
                submit(t3, motion: trigger, by: "p3", node: 2, at: 2, outcome: .acknowledged(index: 3, state: "passed")),
                submit(l1, motion: lift, by: "p1", at: 5, outcome: .acknowledged(index: 4, state: "open")),
                submit(l2, motion: lift, by: "p2", node: 3, at: 6, outcome: .acknowledged(index: 5, state: "passed")),
            ],
            checks: [
                check("clear", at: 0.5), check("clear", at: 1.5),
                check("paused", at: 2.5), check("unknown", node: 3, at: 3), check("paused", node: 1, at: 4),
                check("clear", at: 6.5), check(nil, node: 3, at: 7),
            ]
        )
        let pauses = [PauseSummary(id: pauseID, scope: "training", triggeredAt: 3, liftedAt: 5, liftedBy: liftID)]
        let finals = (1...3).map { NodeFinalState(node: $0, log: log, registryDigest: "ab12", pauses: pauses) }
        return Run(history: history, finals: finals, trigger: trigger, lift: lift, log: log)
    }
}
