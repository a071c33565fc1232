/// A party's statement that it complies with a pause in force, for one period.
///
/// Payload (`application/vnd.brake.attestation.v1+json`), every field required, no other allowed:
///
/// ```json
/// {"federation":"brake-dev","pause":"<pause id>","party":"lab-a","period":"2026-11-29",
///  "claims":["no-training-above-threshold"],"evidence":["sha256:<64 hex>"],"created":"2026-11-29T10:00:00Z"}
/// ```
///
/// Evidence is referenced by digest only: the documents stay with the party, the log holds commitments.
/// As for motions, the payload bytes must be the canonical encoding (`payloadBytes()`).
public struct Attestation: Sendable, Hashable, Codable {
    /// The payloadType of attestation envelopes.
    public static let payloadType = "application/vnd.brake.attestation.v1+json"

    /// The federation this attestation is for.
    public var federation: String
    /// The pause attested to.
    public var pause: String
    /// The attesting party; must sign it.
    public var party: String
    /// The period covered, usually a UTC date `YYYY-MM-DD`: 1 to 64 of `[A-Za-z0-9._:-]`.
    public var period: String
    /// What the party claims; at least one, none empty.
    public var claims: [String]
    /// Digests of supporting documents, each `sha256:<64 lowercase hex>`.
    public var evidence: [String]
    /// When it was written (whole seconds in the payload).
    public var created: Millis

    /// Creates an attestation.
    public init(
        federation: String, pause: String, party: String, period: String,
        claims: [String], evidence: [String], created: Millis
    ) {
        self.federation = federation
        self.pause = pause
        self.party = party
        self.period = period
        self.claims = claims
        self.evidence = evidence
        self.created = created
    }

    /// The canonical payload (sorted keys, compact).
    public func payloadBytes() -> [UInt8] { json.canonicalBytes() }

    /// An unsigned envelope of the canonical payload.
    public func unsignedEnvelope() -> Envelope {
        Envelope(payloadType: Self.payloadType, payload: payloadBytes())
    }

    /// Parses a payload: structure (`malformed_json`), time (`invalid_time`), and `invalid_attestation`
    /// for a bad period, no claims, an empty claim, or evidence that is not `sha256:<64 lowercase hex>`.
    /// Then the bytes must be exactly `payloadBytes()` of the result (`malformed_json`), so that one
    /// attestation has one id.
    public static func parse(payload: [UInt8]) throws(BrakeError) -> Attestation {
        let attestation = try Attestation(json: JSONValue.parse(payload, what: "attestation"))
        guard attestation.payloadBytes() == payload else { throw JSONValue.notCanonical("attestation") }
        return attestation
    }

    /// Decodes the payload JSON form.
    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder) }
    /// Encodes the payload JSON form.
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

extension Attestation: JSONConvertible {
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "attestation")
        try f.finish(known: ["federation", "pause", "party", "period", "claims", "evidence", "created"])
        federation = try f.string("federation")
        pause = try f.string("pause")
        party = try f.string("party")
        period = try f.string("period")
        claims = try f.strings("claims")
        evidence = try f.strings("evidence")
        created = try RFC3339.parse(f.string("created"))
        try checkFields()
    }

    private func checkFields() throws(BrakeError) {
        func fail(_ why: String) -> BrakeError { BrakeError(.invalidAttestation, why) }
        let periodOK = (1...64).contains(period.utf8.count) && period.utf8.allSatisfy { c in
            (0x30...0x39).contains(c) || (0x41...0x5a).contains(c) || (0x61...0x7a).contains(c)
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: ":") || c == UInt8(ascii: "-")
        }
        guard periodOK else { throw fail("the period must be 1 to 64 of A-Z, a-z, 0-9, '.', '_', ':' and '-'") }
        guard !claims.isEmpty else { throw fail("an attestation needs at least one claim") }
        guard claims.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 1024 }) else {
            throw fail("claims must be non-empty and at most 1024 bytes")
        }
        for item in evidence {
            let hex = item.dropFirst("sha256:".count)
            guard item.hasPrefix("sha256:"), hex.utf8.count == 64, Bytes.isLowerHex(String(hex)) else {
                throw fail("evidence \"\(item)\" is not sha256:<64 lowercase hex>")
            }
        }
    }

    var json: JSONValue {
        .object([
            "federation": .string(federation), "pause": .string(pause), "party": .string(party),
            "period": .string(period), "claims": .strings(claims), "evidence": .strings(evidence),
            "created": .string(RFC3339.format(created)),
        ])
    }
}
