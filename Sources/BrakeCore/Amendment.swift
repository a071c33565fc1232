/// A proposal to replace the charter; parties co-sign the same payload bytes until the current
/// charter's `amend` policy is met, as for a motion.
///
/// Payload (`application/vnd.brake.amendment.v1+json`), every field required, no other allowed:
///
/// ```json
/// {"federation":"brake-dev","amends":"<hex id of the charter it amends>","charter":{…the next charter…},
///  "proposer":"lab-a","reason":"…","created":"2026-11-29T10:00:00Z","expires":"2026-12-06T10:00:00Z",
///  "nonce":"<16+ hex>"}
/// ```
///
/// `charter` is the complete next charter payload object, so what the parties sign is exactly what will
/// be in force. Its id is the SHA-256 of the payload bytes, which must be the canonical encoding.
public struct Amendment: Sendable, Hashable {
    /// The payloadType of amendment envelopes.
    public static let payloadType = "application/vnd.brake.amendment.v1+json"

    /// The federation this amendment is for.
    public var federation: String
    /// The id of the charter it amends: it applies only while that charter is current.
    public var amends: String
    /// The complete next charter.
    public var charter: Charter
    /// The party that proposes it; must sign it when it is first submitted.
    public var proposer: String
    /// Why, for people; at most 4096 bytes.
    public var reason: String
    /// When it was written (whole seconds in the payload).
    public var created: Millis
    /// When it stops accepting signatures (whole seconds in the payload).
    public var expires: Millis
    /// 16 to 128 lowercase hex characters, chosen at random by the proposer's tool.
    public var nonce: String

    /// Creates an amendment; `payloadBytes()` truncates times to whole seconds.
    public init(
        federation: String, amends: String, charter: Charter, proposer: String, reason: String,
        created: Millis, expires: Millis, nonce: String
    ) {
        self.federation = federation
        self.amends = amends
        self.charter = charter
        self.proposer = proposer
        self.reason = reason
        self.created = created
        self.expires = expires
        self.nonce = nonce
    }

    /// The canonical payload (sorted keys, compact): what the proposer and co-signers sign.
    public func payloadBytes() -> [UInt8] { json.canonicalBytes() }

    /// An unsigned envelope of the canonical payload.
    public func unsignedEnvelope() -> Envelope {
        Envelope(payloadType: Self.payloadType, payload: payloadBytes())
    }

    /// Parses a payload, checking what the payload alone can tell: structure (`malformed_json`), times
    /// (`invalid_time`), and `invalid_amendment` for a bad nonce, an over-long reason, `created >
    /// expires`, an `amends` that is not 64 lowercase hex, or a next charter that does not decode
    /// (its validation is the registry's, which names the rule it breaks). The bytes must be exactly
    /// `payloadBytes()` of the result (`malformed_json`), so that one amendment has one id.
    public static func parse(payload: [UInt8]) throws(BrakeError) -> Amendment {
        let amendment = try Amendment(json: JSONValue.parse(payload, what: "amendment"))
        guard amendment.payloadBytes() == payload else { throw JSONValue.notCanonical("amendment") }
        return amendment
    }
}

extension Amendment: JSONConvertible {
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "amendment")
        try f.finish(known: ["federation", "amends", "charter", "proposer", "reason", "created", "expires", "nonce"])
        federation = try f.string("federation")
        amends = try f.string("amends")
        do {
            charter = try Charter(json: f.value("charter"))
        } catch {
            throw BrakeError(.invalidAmendment, "the next charter does not decode: \(error.message)")
        }
        proposer = try f.string("proposer")
        reason = try f.string("reason")
        created = try RFC3339.parse(f.string("created"))
        expires = try RFC3339.parse(f.string("expires"))
        nonce = try f.string("nonce")
        func fail(_ why: String) -> BrakeError { BrakeError(.invalidAmendment, why) }
        guard amends.utf8.count == 64, Bytes.isLowerHex(amends) else {
            throw fail("\"amends\" must be the 64 lowercase hex id of the charter it amends")
        }
        try Declaration.checkNonceAndReason(nonce: nonce, reason: reason, code: .invalidAmendment)
        guard created <= expires else {
            throw fail("the amendment expires (\(RFC3339.format(expires))) before it is created (\(RFC3339.format(created)))")
        }
    }

    var json: JSONValue {
        .object([
            "federation": .string(federation), "amends": .string(amends), "charter": charter.json,
            "proposer": .string(proposer), "reason": .string(reason), "created": .string(RFC3339.format(created)),
            "expires": .string(RFC3339.format(expires)), "nonce": .string(nonce),
        ])
    }
}
