/// A government's verdict on a recorded attestation: it countersigns it (vouches for it) or disputes it.
public enum ReviewVerdict: String, Sendable, Hashable, Codable, CaseIterable {
    /// The reviewer vouches for the attestation.
    case countersign
    /// The reviewer contests the attestation; the review must say why.
    case dispute
}

/// A government's countersignature or dispute of one attestation, as a signed declaration.
///
/// Payload (`application/vnd.brake.attestation-review.v1+json`), every field required, no other allowed:
///
/// ```json
/// {"attestation":"<attestation id>","created":"2026-11-30T09:00:00Z","federation":"brake-dev",
///  "party":"gov-a","reason":"inspection found a run above threshold","verdict":"dispute"}
/// ```
///
/// Only a government may review, by its own signature; a dispute must give a reason (a countersignature
/// may give one, or ""). The registry decides what a second review by the same party does
/// (`Registry`, "Reviews"). As for every declaration, the payload bytes must be the canonical encoding.
public struct AttestationReview: Sendable, Hashable, Codable {
    /// The payloadType of review envelopes.
    public static let payloadType = "application/vnd.brake.attestation-review.v1+json"
    /// The longest reason, in UTF-8 bytes (the same bound as a motion's reason).
    public static let maxReasonBytes = 4096

    /// The federation this review is for.
    public var federation: String
    /// The id of the attestation reviewed (64 lowercase hex).
    public var attestation: String
    /// The reviewing party; must be a government and sign it.
    public var party: String
    /// Countersign or dispute.
    public var verdict: ReviewVerdict
    /// Why; required (non-empty) for a dispute, at most `maxReasonBytes`.
    public var reason: String
    /// When it was written (whole seconds in the payload).
    public var created: Millis

    /// Creates a review.
    public init(federation: String, attestation: String, party: String, verdict: ReviewVerdict, reason: String, created: Millis) {
        self.federation = federation
        self.attestation = attestation
        self.party = party
        self.verdict = verdict
        self.reason = reason
        self.created = created
    }

    /// The canonical payload (sorted keys, compact).
    public func payloadBytes() -> [UInt8] { json.canonicalBytes() }

    /// An unsigned envelope of the canonical payload.
    public func unsignedEnvelope() -> Envelope {
        Envelope(payloadType: Self.payloadType, payload: payloadBytes())
    }

    /// Parses a payload: structure (`malformed_json`), time (`invalid_time`), and `invalid_review` for an
    /// attestation id that is not 64 lowercase hex, an unknown verdict, a dispute without a reason, or a
    /// reason over `maxReasonBytes`. Then the bytes must be exactly `payloadBytes()` (`malformed_json`).
    public static func parse(payload: [UInt8]) throws(BrakeError) -> AttestationReview {
        let review = try AttestationReview(json: JSONValue.parse(payload, what: "attestation review"))
        guard review.payloadBytes() == payload else { throw JSONValue.notCanonical("attestation review") }
        return review
    }

    /// Decodes the payload JSON form.
    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder) }
    /// Encodes the payload JSON form.
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

extension AttestationReview: JSONConvertible {
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "attestation review")
        try f.finish(known: ["federation", "attestation", "party", "verdict", "reason", "created"])
        federation = try f.string("federation")
        attestation = try f.string("attestation")
        party = try f.string("party")
        let verdictName = try f.string("verdict")
        reason = try f.string("reason")
        created = try RFC3339.parse(f.string("created"))
        func fail(_ why: String) -> BrakeError { BrakeError(.invalidReview, why) }
        guard attestation.utf8.count == 64, Bytes.isLowerHex(attestation) else {
            throw fail("the attestation id must be 64 lowercase hex digits")
        }
        guard let verdict = ReviewVerdict(rawValue: verdictName), Bytes.same(verdict.rawValue, verdictName) else {
            throw fail("unknown verdict \"\(verdictName)\" (expected countersign or dispute)")
        }
        self.verdict = verdict
        guard reason.utf8.count <= Self.maxReasonBytes else {
            throw fail("the reason is \(reason.utf8.count) bytes; at most \(Self.maxReasonBytes) are allowed")
        }
        guard verdict == .countersign || !reason.utf8.isEmpty else { throw fail("a dispute must give a reason") }
    }

    var json: JSONValue {
        .object([
            "federation": .string(federation), "attestation": .string(attestation), "party": .string(party),
            "verdict": .string(verdict.rawValue), "reason": .string(reason), "created": .string(RFC3339.format(created)),
        ])
    }
}
