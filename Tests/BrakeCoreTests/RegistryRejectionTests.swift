import BrakeCore
import Foundation
import Testing

@Suite("Registry rejections")
struct RegistryRejectionTests {
    /// Builds a state and a submission that must be rejected in it.
    static func scenario(_ name: String) -> (Harness, Envelope, Millis) {
        var h = Harness()
        let stranger = try! SigningKey(seed: seed(99))
        func raw(_ m: Motion, replacing find: String, with replace: String) -> Envelope {
            let text = String(decoding: m.payloadBytes(), as: UTF8.self).replacingOccurrences(of: find, with: replace)
            return Envelope(payloadType: Motion.payloadType, payload: utf8(text)).signed(with: devKey("lab-a"))
        }
        switch name {
        case "wrong_payload_type":
            return (h, Envelope(payloadType: "application/json", payload: h.motion().payloadBytes()).signed(with: devKey("lab-a")), t0)
        case "unsigned":
            return (h, h.motion().unsignedEnvelope(), t0)
        case "unknown_key":
            return (h, sign(h.motion(), "lab-a").signed(with: stranger), t0)
        case "bad_signature":
            var e = sign(h.motion(), "lab-a", "lab-b")
            e.signatures[1].sig[5] ^= 0x40
            return (h, e, t0)
        case "malformed_json":
            return (h, raw(h.motion(), replacing: #""reason""#, with: #""extra":1,"reason""#), t0)
        case "bad_base64":
            // Not reachable through an Envelope value; covered by the envelope tests. Use a bad time instead.
            return (h, raw(h.motion(), replacing: "T10:00:00Z", with: "T10:00:00+00:00"), t0)
        case "wrong_federation":
            var m = h.motion()
            m.federation = "other"
            return (h, sign(m, "lab-a"), t0)
        case "invalid_scope":
            return (h, raw(h.motion(), replacing: #""scope":"training""#, with: #""scope":"/training""#), t0)
        case "invalid_motion":
            return (h, sign(h.motion(lifetime: 7 * 24 * hour + 1000), "lab-a"), t0)
        case "created_beyond_skew":
            // Dated a year ahead of its entry, with a lifetime the charter allows: without M7's
            // bound it would wait open until a year from now.
            return (h, sign(h.motion(created: t0 + 365 * 24 * hour), "lab-a"), t0)
        case "proposer_not_signed":
            return (h, sign(h.motion(proposer: "lab-a"), "lab-b", "gov-a"), t0)
        case "unknown_party":
            return (h, sign(h.motion(proposer: "lab-z"), "lab-a"), t0)
        case "motion_expired":
            let m = h.motion(lifetime: hour)
            return (h, sign(m, "lab-a"), t0 + hour)
        case "motion_expired_cosign":
            let m = h.motion(lifetime: hour)
            h.accept(sign(m, "lab-a"))
            return (h, sign(m, "lab-b"), t0 + 2 * hour)
        case "motion_closed":
            let m = h.motion()
            h.accept(sign(m, "lab-a", "lab-b"))
            return (h, sign(m, "gov-a"), t0)
        case "already_paused":
            _ = h.pause("training")
            return (h, sign(h.motion(.trigger, "training"), "lab-a"), t0)
        case "unknown_pause":
            return (h, sign(h.motion(.lift, "training", pause: String(repeating: "0", count: 64)), "lab-a"), t0)
        case "pause_not_in_force":
            let p = h.pause("training")
            h.accept(sign(h.motion(.lift, "training", pause: p), "lab-a", "gov-a"))
            return (h, sign(h.motion(.lift, "training", proposer: "lab-b", pause: p), "lab-b"), t0)
        case "lift_scope_mismatch":
            let p = h.pause("training")
            return (h, sign(h.motion(.lift, "training/frontier", proposer: "gov-a", pause: p), "gov-a"), t0)
        case "no_new_signature":
            let m = h.motion()
            h.accept(sign(m, "lab-a"))
            return (h, sign(m, "lab-a"), t0)
        case "invalid_attestation":
            let p = h.pause()
            return (h, sign(h.attestation(p, party: "lab-a"), "lab-b"), t0)
        case "invalid_attestation_evidence":
            let p = h.pause()
            var a = h.attestation(p)
            a.evidence = ["sha256:abc"]
            return (h, sign(a, "lab-a"), t0)
        case "duplicate_attestation":
            let p = h.pause()
            h.accept(sign(h.attestation(p), "lab-a"))
            var again = h.attestation(p)
            again.claims = ["another wording"]
            return (h, sign(again, "lab-a"), t0)
        case "attestation_unknown_pause":
            return (h, sign(h.attestation(String(repeating: "1", count: 64)), "lab-a"), t0)
        case "attestation_pause_lifted":
            let p = h.pause()
            h.accept(sign(h.motion(.lift, "training", pause: p), "lab-a", "gov-a"))
            return (h, sign(h.attestation(p), "lab-a"), t0)
        case "attestation_unknown_party":
            let p = h.pause()
            return (h, sign(h.attestation(p, party: "lab-z"), "lab-a"), t0)
        case "attestation_wrong_federation":
            let p = h.pause()
            var a = h.attestation(p)
            a.federation = "other"
            return (h, sign(a, "lab-a"), t0)
        default:
            Issue.record("unknown scenario \(name)")
            return (h, Envelope(payloadType: "", payload: []), t0)
        }
    }

    /// M7's time bound is inclusive: a motion dated exactly the charter's clock skew after its entry
    /// opens, one a second later (motion times are whole seconds) is refused; co-signing an open
    /// motion is not re-checked.
    @Test func createdMayLeadTheEntryByTheSkewAndNoMore() {
        var h = Harness()
        let skew = h.registry.charter.clockSkewMillis
        #expect(skew == 300_000)
        let late = h.motion(created: t0 + skew + 1_000)
        guard case .failure(let error) = h.registry.admit(sign(late, "lab-a"), at: t0) else {
            Issue.record("a motion created \(skew + 1_000) ms after its entry was admitted")
            return
        }
        #expect(error.code == .invalidMotion)
        #expect(error.message.contains("clock skew of 300 s"), "\(error)")
        let edge = h.motion(created: t0 + skew)
        #expect(h.accept(sign(edge, "lab-a")) != nil)
        #expect(h.accept(sign(edge, "lab-b"), at: t0 + 1) != nil)
    }

    /// Every rejection leaves the state as it was: `admit` changes nothing, and a rejected entry
    /// changes only the meta row.
    @Test(arguments: [
        ("wrong_payload_type", "wrong_payload_type"), ("unsigned", "unsigned"), ("unknown_key", "unknown_key"),
        ("bad_signature", "bad_signature"), ("malformed_json", "malformed_json"), ("bad_base64", "invalid_time"),
        ("wrong_federation", "wrong_federation"), ("invalid_scope", "invalid_scope"), ("invalid_motion", "invalid_motion"),
        ("created_beyond_skew", "invalid_motion"),
        ("proposer_not_signed", "proposer_not_signed"), ("unknown_party", "unknown_party"),
        ("motion_expired", "motion_expired"), ("motion_expired_cosign", "motion_expired"), ("motion_closed", "motion_closed"),
        ("already_paused", "already_paused"), ("unknown_pause", "unknown_pause"),
        ("pause_not_in_force", "pause_not_in_force"), ("lift_scope_mismatch", "invalid_motion"),
        ("no_new_signature", "no_new_signature"), ("invalid_attestation", "invalid_attestation"),
        ("invalid_attestation_evidence", "invalid_attestation"), ("duplicate_attestation", "duplicate_attestation"),
        ("attestation_unknown_pause", "unknown_pause"), ("attestation_pause_lifted", "pause_not_in_force"),
        ("attestation_unknown_party", "unknown_party"), ("attestation_wrong_federation", "wrong_federation"),
    ])
    func rejectedAndStateUnchanged(name: String, code: String) throws {
        var (h, envelope, time) = Self.scenario(name)
        let snapshot = h.registry.snapshot()
        let rows = recordRows(h.registry)

        let admitted = h.registry.admit(envelope, at: time)
        guard case .failure(let error) = admitted else {
            Issue.record("\(name): admitted")
            return
        }
        #expect(error.code.rawValue == code, "\(name): \(error)")
        #expect(h.registry.snapshot() == snapshot)

        let result = h.submit(envelope, at: time)
        guard case .rejected(let applyError) = result.outcome else {
            Issue.record("\(name): applied")
            return
        }
        #expect(applyError.code.rawValue == code, "\(name): \(applyError)")
        if name.contains("expired") {
            // The only change an expired submission causes is the expiry the time brings.
            #expect(result.events.allSatisfy { if case .motionExpired = $0 { true } else { false } })
        } else {
            #expect(result.changed == [.meta] && result.events.isEmpty)
            #expect(recordRows(h.registry) == rows)
        }
    }
}
