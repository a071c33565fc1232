import BrakeCore

/// A registry in a state where every kind of declaration can be accepted, and the properties every
/// entry applied to it must keep; shared by the envelope and log-record targets.
///
/// The state: the development federation (fixed seeds), with a pause of `training` in force (entry 1),
/// an open trigger of `eval` signed by lab-a (entry 2), an open lift of the pause signed by lab-a
/// (entry 3), and lab-b's attestation of the pause (entry 4), all at `time`. So co-signatures, lifts,
/// attestations, reviews and new triggers can all pass, and the fuzzer starts from inputs that do
/// (`validEnvelopes`).
public enum RegistryProbe {
    /// 2026-11-29T10:00:00Z: when the state was made, and the time of the seed entries.
    public static let time: Millis = 1_795_946_400_000

    /// The development federation's keys: lab-a, lab-b, gov-a.
    public static let federation: (charter: Charter, keys: [(party: String, key: SigningKey)]) = {
        do {
            let made = try DevFederation.make(
                seeds: [seed(1), seed(2), seed(3)], nodeAddress: "127.0.0.1:7401",
                tlsPin: String(repeating: "ab", count: 32), checkpointKey: try SigningKey(seed: seed(4)).publicKey)
            return (made.charter, made.keys)
        } catch {
            fatalError("the development federation does not build: \(error)")
        }
    }()

    /// The signing key of a party of the development federation.
    public static func key(_ party: String) -> SigningKey {
        guard let key = federation.keys.first(where: { $0.party == party })?.key else {
            fatalError("no party \(party) in the development federation")
        }
        return key
    }

    /// A motion of the development federation created at `time`.
    public static func motion(_ kind: MotionKind, _ path: String, proposer: String, pause: String? = nil, nonce: Int) -> Motion {
        let scope: Scope
        do { scope = try Scope(path) } catch { fatalError("bad scope \(path): \(error)") }
        return Motion(
            federation: federation.charter.federation, kind: kind, scope: scope, reason: "fuzz \(nonce)", pause: pause,
            proposer: proposer, created: time, expires: time + 86_400_000,
            nonce: String(repeating: "0", count: 12) + String(nonce, radix: 16).leftPadded(to: 4))
    }

    /// The motion's envelope signed by `parties`, in order.
    public static func signed(_ motion: Motion, _ parties: [String]) -> Envelope {
        parties.reduce(motion.unsignedEnvelope()) { $0.signed(with: key($1)) }
    }

    static let pauseTrigger = motion(.trigger, "training", proposer: "lab-a", nonce: 1)
    static let openTrigger = motion(.trigger, "eval", proposer: "lab-a", nonce: 2)
    static var pauseID: String { motionID(payload: pauseTrigger.payloadBytes()) }
    static let openLift = motion(.lift, "training", proposer: "lab-a", pause: motionID(payload: pauseTrigger.payloadBytes()), nonce: 3)
    static let recordedAttestation = Attestation(
        federation: federation.charter.federation, pause: motionID(payload: pauseTrigger.payloadBytes()), party: "lab-b",
        period: "2026-11-29", claims: ["no-training-above-threshold"], evidence: [], created: time)

    /// The state every input is applied to, at index `base.appliedIndex + 1`.
    public static let base: Registry = {
        var registry = Registry(charter: federation.charter)
        let entries = [
            signed(pauseTrigger, ["lab-a", "lab-b"]), signed(openTrigger, ["lab-a"]), signed(openLift, ["lab-a"]),
            recordedAttestation.unsignedEnvelope().signed(with: key("lab-b")),
        ]
        for (n, envelope) in entries.enumerated() {
            let result = registry.apply(index: UInt64(n + 1), data: LogRecord(time: time, envelope: envelope).encoded())
            guard case .accepted = result.outcome else { fatalError("seed entry \(n + 1) was not accepted: \(result.outcome)") }
        }
        return registry
    }()

    /// Envelopes the base state accepts, one of each kind, and a few it refuses for each rule.
    public static var validEnvelopes: [Envelope] {
        let attestation = Attestation(
            federation: federation.charter.federation, pause: pauseID, party: "lab-a", period: "2026-11-29",
            claims: ["no-training-above-threshold"], evidence: ["sha256:" + String(repeating: "ab", count: 32)], created: time)
        return [
            signed(openTrigger, ["lab-b"]),
            signed(openLift, ["gov-a"]),
            signed(openLift, ["lab-a", "gov-a"]),
            signed(motion(.trigger, "deploy/frontier", proposer: "gov-a", nonce: 4), ["gov-a", "lab-b"]),
            signed(motion(.trigger, "deploy", proposer: "lab-b", nonce: 5), ["lab-b"]),
            attestation.unsignedEnvelope().signed(with: key("lab-a")),
            review(.countersign, reason: "").unsignedEnvelope().signed(with: key("gov-a")),
            review(.dispute, reason: "inspection found a run above threshold").unsignedEnvelope().signed(with: key("gov-a")),
        ]
    }

    /// gov-a's review of the recorded attestation.
    static func review(_ verdict: ReviewVerdict, reason: String) -> AttestationReview {
        AttestationReview(
            federation: federation.charter.federation, attestation: motionID(payload: recordedAttestation.payloadBytes()),
            party: "gov-a", verdict: verdict, reason: reason, created: time)
    }

    /// Envelopes the base state refuses: a repeated signature, a stranger's, no signature, too many.
    public static var refusedEnvelopes: [Envelope] {
        let repeated = signed(openTrigger, ["lab-b", "lab-b"])
        var flood = repeated
        flood.signatures = Array(repeating: repeated.signatures[0], count: 8)
        var unsigned = repeated
        unsigned.signatures = []
        return [repeated, flood, unsigned, signed(pauseTrigger, ["gov-a"])]
    }

    /// Applies `data` as the next entry and checks what every entry must keep: the outcome is
    /// deterministic; admission at the entry's time agrees with it; and a refused declaration leaves
    /// the state exactly as an entry refused for an unrelated reason at the same time leaves it (time
    /// still passes: see Specs/registry.md 9.1), with the same events.
    public static func checkApply(_ data: [UInt8]) {
        let index = base.appliedIndex + 1
        var applied = base
        let result = applied.apply(index: index, data: data)
        var again = base
        FuzzProperty.require(again.apply(index: index, data: data) == result && again == applied, "apply is not deterministic")
        let record = try? LogRecord(decoding: data)
        switch result.outcome {
        case .noop:
            FuzzProperty.require(data.isEmpty, "non-empty data applied as a no-op")
        case .accepted(let receipt):
            guard let record else {
                FuzzProperty.require(false, "undecodable data accepted")
                return
            }
            let admitted = base.admit(record.envelope, at: record.time)
            FuzzProperty.require((try? admitted.get())?.id == receipt.id, "apply accepted what admission refuses: \(admitted)")
        case .rejected(let error):
            let twinData = record.map {
                LogRecord(time: $0.time, envelope: Envelope(payloadType: "application/x-fuzz-refused", payload: [])).encoded()
            } ?? Array("undecodable".utf8)
            var twin = base
            let twinResult = twin.apply(index: index, data: twinData)
            FuzzProperty.require(twin == applied, "a refused entry (\(error.code)) left something behind")
            FuzzProperty.require(twinResult.events == result.events, "a refused entry (\(error.code)) emitted its own events")
            if let record {
                let admitted = base.admit(record.envelope, at: record.time)
                FuzzProperty.require(
                    admitted.failure?.code == error.code, "admission says \(admitted), apply refused with \(error.code)")
            }
        }
    }

    private static func seed(_ n: UInt8) -> [UInt8] { [UInt8](repeating: n, count: 32) }
}

extension Result {
    /// The error, if this is a failure.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
