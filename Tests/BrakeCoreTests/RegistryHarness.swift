import BrakeCore
import Testing

/// 2026-11-29T10:00:00Z, the start of every scenario.
let t0: Millis = 1_795_946_400_000
let hour: Millis = 3_600_000

/// Drives a registry the way a node does: each submission becomes the next log entry.
struct Harness {
    var registry: Registry
    var index: UInt64 = 0
    var nonce = 0

    init(charter: Charter = dev.charter) {
        registry = Registry(charter: charter)
    }

    /// A fresh motion with a unique nonce.
    mutating func motion(
        _ kind: MotionKind = .trigger, _ scope: String = "training", proposer: String = "lab-a", pause: String? = nil,
        created: Millis = t0, lifetime: Millis = 24 * hour
    ) -> Motion {
        nonce += 1
        return Motion(
            federation: registry.charter.federation, kind: kind, scope: try! Scope(scope), reason: "reason \(nonce)",
            pause: pause, proposer: proposer, created: created, expires: created + lifetime,
            nonce: String(repeating: "0", count: 12) + String(format: "%04x", nonce))
    }

    /// An attestation of `party` for `pause`.
    func attestation(_ pause: String, party: String = "lab-a", period: String = "2026-11-29") -> Attestation {
        Attestation(
            federation: registry.charter.federation, pause: pause, party: party, period: period,
            claims: ["no-training-above-threshold"], evidence: ["sha256:" + String(repeating: "ab", count: 32)], created: t0)
    }

    /// Appends the envelope as the next entry with leader time `time` and applies it.
    @discardableResult
    mutating func submit(_ envelope: Envelope, at time: Millis = t0) -> ApplyResult {
        index += 1
        let result = registry.apply(index: index, data: LogRecord(time: time, envelope: envelope).encoded())
        expectEventsMatchState(result, in: registry)
        return result
    }

    /// Applies a Raft no-op.
    @discardableResult
    mutating func noop() -> ApplyResult {
        index += 1
        let result = registry.apply(index: index, data: [])
        expectEventsMatchState(result, in: registry)
        return result
    }

    /// Submits and requires acceptance; returns the receipt.
    @discardableResult
    mutating func accept(_ envelope: Envelope, at time: Millis = t0, sourceLocation: SourceLocation = #_sourceLocation) -> DeclarationReceipt? {
        let result = submit(envelope, at: time)
        guard case .accepted(let receipt) = result.outcome else {
            Issue.record("expected acceptance, got \(result.outcome)", sourceLocation: sourceLocation)
            return nil
        }
        return receipt
    }

    /// Triggers a pause of `scope` signed by lab-a and lab-b; returns the pause id.
    mutating func pause(_ scope: String = "training", at time: Millis = t0) -> String {
        let m = motion(.trigger, scope, created: time)
        let receipt = accept(sign(m, "lab-a", "lab-b"), at: time)
        #expect(receipt?.state == "passed")
        return receipt?.id ?? ""
    }
}

/// The envelope of a motion signed by the named dev parties, in order.
func sign(_ motion: Motion, _ parties: String...) -> Envelope {
    parties.reduce(motion.unsignedEnvelope()) { $0.signed(with: devKey($1)) }
}

/// The envelope of an attestation signed by the named dev parties.
func sign(_ attestation: Attestation, _ parties: String...) -> Envelope {
    parties.reduce(attestation.unsignedEnvelope()) { $0.signed(with: devKey($1)) }
}

/// Every row except meta: what a rejected entry must leave untouched.
func recordRows(_ registry: Registry) -> [String] {
    registry.rows.filter { $0.key != .meta }.map { "\($0.key)=" + String(decoding: $0.value, as: UTF8.self) }
}
