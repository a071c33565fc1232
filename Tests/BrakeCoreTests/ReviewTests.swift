import BrakeCore
import Foundation
import Testing

/// The dev charter plus a second government (gov-b) and an observer (obs-a), so reviews by several
/// governments and by a non-government can be tried.
let reviewCharter: Charter = {
    var charter = dev.charter
    charter.parties.append(Party(id: "gov-b", name: "Gov B", partyClass: .government, keys: [extraKeys["gov-b"]!.publicKey]))
    charter.parties.append(Party(id: "obs-a", name: "Observer A", partyClass: .observer, keys: [extraKeys["obs-a"]!.publicKey]))
    return charter
}()

let extraKeys: [String: SigningKey] = ["gov-b": try! SigningKey(seed: seed(5)), "obs-a": try! SigningKey(seed: seed(6))]

/// The key of a party of `reviewCharter`.
func reviewKey(_ party: String) -> SigningKey { extraKeys[party] ?? devKey(party) }

/// The envelope of a review signed by the named parties, in order.
func sign(_ review: AttestationReview, _ parties: String...) -> Envelope {
    parties.reduce(review.unsignedEnvelope()) { $0.signed(with: reviewKey($1)) }
}

extension Harness {
    /// A review of `attestation` by `party`.
    func review(_ attestation: String, _ verdict: ReviewVerdict, by party: String = "gov-a", reason: String = "") -> AttestationReview {
        AttestationReview(
            federation: registry.charter.federation, attestation: attestation, party: party, verdict: verdict,
            reason: reason, created: t0)
    }

    /// A pause (entry 1) and lab-a's attestation of it (entry 2, at t0 + 1 h): (pause id, attestation id).
    mutating func attested() -> (pause: String, attestation: String) {
        let p = pause()
        let a = accept(sign(attestation(p, party: "lab-a"), "lab-a"), at: t0 + hour)?.id ?? ""
        return (p, a)
    }
}

@Suite("Attestation reviews")
struct ReviewTests {
    /// Each way a review can be refused, with its stable code; each leaves every record as it was and
    /// emits nothing, and admission refuses it the same way.
    @Test(arguments: [
        ("wrong federation", "wrong_federation"), ("unknown attestation", "unknown_attestation"),
        ("attestation id not hex", "invalid_review"), ("unknown reviewer", "unknown_party"),
        ("lab reviews", "reviewer_not_government"), ("observer reviews", "reviewer_not_government"),
        ("signed by another party", "invalid_review"), ("dispute without reason", "invalid_review"),
        ("reason too long", "invalid_review"), ("unknown verdict", "invalid_review"),
        ("not canonical", "malformed_json"), ("own attestation", "invalid_review"), ("unsigned", "unsigned"),
    ])
    func refusals(_ name: String, _ code: String) throws {
        var h = Harness(charter: reviewCharter)
        let (p, a) = h.attested()
        var review = h.review(a, .countersign)
        var signer = "gov-a"
        var envelope: Envelope?
        switch name {
        case "wrong federation": review.federation = "other"
        case "unknown attestation": review.attestation = String(repeating: "ab", count: 32)
        case "attestation id not hex": review.attestation = a.uppercased()
        case "unknown reviewer": review.party = "gov-z"
        case "lab reviews": review.party = "lab-b"; signer = "lab-b"
        case "observer reviews": review.party = "obs-a"; signer = "obs-a"
        case "signed by another party": signer = "gov-b"
        case "dispute without reason": review.verdict = .dispute
        case "reason too long": review.reason = String(repeating: "x", count: AttestationReview.maxReasonBytes + 1)
        case "unknown verdict":
            let bytes = review.payloadBytes()
            let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: #""countersign""#, with: #""approve""#)
            envelope = Envelope(payloadType: AttestationReview.payloadType, payload: Array(text.utf8)).signed(with: devKey("gov-a"))
        case "not canonical":
            let text = String(decoding: review.payloadBytes(), as: UTF8.self).replacingOccurrences(of: ",", with: ", ")
            envelope = Envelope(payloadType: AttestationReview.payloadType, payload: Array(text.utf8)).signed(with: devKey("gov-a"))
        case "own attestation":
            let own = try #require(h.accept(h.attestation(p, party: "gov-b").unsignedEnvelope().signed(with: reviewKey("gov-b")), at: t0 + hour)?.id)
            review = h.review(own, .countersign, by: "gov-b")
            signer = "gov-b"
        case "unsigned": envelope = review.unsignedEnvelope()
        default: Issue.record("no case \(name)")
        }
        let submitted = envelope ?? sign(review, signer)
        let before = recordRows(h.registry)
        let admitted = h.registry.admit(submitted, at: t0 + 2 * hour)
        let result = h.submit(submitted, at: t0 + 2 * hour)
        guard case .rejected(let error) = result.outcome else {
            Issue.record("\(name): accepted \(result.outcome)")
            return
        }
        #expect(error.code.rawValue == code, "\(name): \(error)")
        #expect((try? admitted.get()) == nil && admitted.failure?.code == error.code, "\(name): admission said \(admitted)")
        #expect(recordRows(h.registry) == before, "\(name) left records behind")
        #expect(result.events.isEmpty && result.changed == [.meta], "\(name): \(result.events) \(result.changed)")
    }

    /// What a second review by the same government does: a countersignature may be followed by a
    /// dispute (it withdraws it); nothing follows a dispute; nothing is given twice.
    @Test(arguments: [
        ([ReviewVerdict.countersign, .countersign], [true, false]),
        ([ReviewVerdict.countersign, .dispute], [true, true]),
        ([ReviewVerdict.dispute, .countersign], [true, false]),
        ([ReviewVerdict.dispute, .dispute], [true, false]),
        ([ReviewVerdict.countersign, .dispute, .countersign], [true, true, false]),
    ])
    func secondReviews(_ verdicts: [ReviewVerdict], _ accepted: [Bool]) throws {
        var h = Harness(charter: reviewCharter)
        let (p, a) = h.attested()
        for (n, (verdict, expected)) in zip(verdicts, accepted).enumerated() {
            let result = h.submit(sign(h.review(a, verdict, reason: "reason \(n)"), "gov-a"), at: t0 + 2 * hour)
            switch result.outcome {
            case .accepted(let receipt):
                #expect(expected, "review \(n) (\(verdict)) was accepted")
                #expect(receipt.kind == "review" && receipt.state == (verdict == .dispute ? "disputed" : "countersigned"))
            case .rejected(let error):
                #expect(!expected && error.code == .duplicateReview, "review \(n) (\(verdict)): \(error)")
            case .noop:
                Issue.record("a review applied as a no-op")
            }
        }
        let row = try #require(h.registry.compliance(at: t0 + 2 * hour).first { $0.pauseID == p && $0.party == "lab-a" })
        let disputed = verdicts.prefix(accepted.lastIndex(of: true)! + 1).last == .dispute
        #expect(row.disputedBy == (disputed ? ["gov-a"] : []) && row.countersignedBy == (disputed ? [] : ["gov-a"]), "\(row)")
        #expect(row.disputes.count == (disputed ? 1 : 0))
    }

    @Test func countersignAndDisputeShowInComplianceAndEvents() throws {
        var h = Harness(charter: reviewCharter)
        let (p, a) = h.attested()
        let countersigned = h.submit(sign(h.review(a, .countersign), "gov-a"), at: t0 + 2 * hour)
        let reviewID = try #require(h.registry.reviews(of: a).first?.id)
        #expect(countersigned.events == [.attestationCountersigned(attestationID: a, pauseID: p, party: "lab-a", reviewer: "gov-a", index: 3)])
        #expect(countersigned.changed == [.meta, .review(reviewID)])
        let disputed = h.submit(sign(h.review(a, .dispute, by: "gov-b", reason: "run R-9 exceeded the threshold"), "gov-b"), at: t0 + 3 * hour)
        #expect(disputed.events == [.attestationDisputed(
            attestationID: a, pauseID: p, party: "lab-a", reviewer: "gov-b", reason: "run R-9 exceeded the threshold", index: 4)])
        var row = try #require(h.registry.compliance(at: t0 + 3 * hour).first { $0.party == "lab-a" })
        #expect(row.countersignedBy == ["gov-a"] && row.disputedBy == ["gov-b"])
        #expect(row.disputes.map(\.reason) == ["run R-9 exceeded the threshold"] && row.disputes.first?.period == "2026-11-29")
        #expect(row.disputes.first?.attestation == a && row.disputes.first?.time == t0 + 3 * hour)
        // A later attestation becomes the latest, with no reviews yet, but the dispute stays listed.
        h.accept(sign(h.attestation(p, party: "lab-a", period: "2026-11-30"), "lab-a"), at: t0 + 25 * hour)
        row = try #require(h.registry.compliance(at: t0 + 25 * hour).first { $0.party == "lab-a" })
        #expect(row.lastPeriod == "2026-11-30" && row.countersignedBy.isEmpty && row.disputedBy.isEmpty)
        #expect(row.disputes.count == 1 && row.attestationCount == 2)
        // A review may come after the pause ends: a dispute must not be cut off by a lift.
        h.accept(sign(h.motion(.lift, "training", pause: p, created: t0 + 26 * hour), "lab-a", "gov-a"), at: t0 + 26 * hour)
        let late = sign(h.review(a, .dispute, reason: "found later"), "gov-a")
        #expect(h.accept(late, at: t0 + 27 * hour)?.state == "disputed")
        #expect(h.registry.compliance(at: t0 + 27 * hour).isEmpty)
        #expect(h.registry.compliance(pauseID: p, at: t0 + 27 * hour)?.first { $0.party == "lab-a" }?.disputes.count == 2)
    }

    @Test func reviewPayloadIsCanonicalAndStable() throws {
        let review = AttestationReview(
            federation: "brake-dev", attestation: String(repeating: "0a", count: 32), party: "gov-a", verdict: .dispute,
            reason: "inspection found a run above threshold", created: t0)
        let text = String(decoding: review.payloadBytes(), as: UTF8.self)
        #expect(text == #"{"attestation":"0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a","created":"2026-11-29T10:00:00Z","federation":"brake-dev","party":"gov-a","reason":"inspection found a run above threshold","verdict":"dispute"}"#)
        #expect(try AttestationReview.parse(payload: review.payloadBytes()) == review)
        #expect(try Declaration.parse(review.unsignedEnvelope()) == .review(review))
        #expect(try JSONDecoder().decode(AttestationReview.self, from: Data(review.payloadBytes())) == review)
        // A countersignature may carry an empty reason.
        var countersign = review
        countersign.verdict = .countersign
        countersign.reason = ""
        #expect(try AttestationReview.parse(payload: countersign.payloadBytes()) == countersign)
    }
}
