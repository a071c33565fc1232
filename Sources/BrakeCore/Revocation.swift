/// A party's emergency withdrawal of some of its own signing keys.
///
/// Payload (`application/vnd.brake.revocation.v1+json`), every field required, no other allowed:
///
/// ```json
/// {"federation":"brake-dev","party":"lab-a","keys":["<b64 ed25519 pub>"],"reason":"key leaked",
///  "created":"2026-11-29T10:00:00Z","nonce":"<16+ hex>"}
/// ```
///
/// It needs no other party's signature, because it only removes power: the party signs it with a key
/// it keeps. Its id is the SHA-256 of the payload bytes, which must be the canonical encoding.
public struct Revocation: Sendable, Hashable {
    /// The payloadType of revocation envelopes.
    public static let payloadType = "application/vnd.brake.revocation.v1+json"

    /// The federation this revocation is for.
    public var federation: String
    /// The party whose keys are revoked; it must sign with a key it keeps.
    public var party: String
    /// The keys revoked: at least one, none twice.
    public var keys: [PublicKey]
    /// Why, for people; at most 4096 bytes.
    public var reason: String
    /// When it was written (whole seconds in the payload).
    public var created: Millis
    /// 16 to 128 lowercase hex characters, so that two revocations are never one id by accident.
    public var nonce: String

    /// Creates a revocation.
    public init(federation: String, party: String, keys: [PublicKey], reason: String, created: Millis, nonce: String) {
        self.federation = federation
        self.party = party
        self.keys = keys
        self.reason = reason
        self.created = created
        self.nonce = nonce
    }

    /// The canonical payload (sorted keys, compact): what the party signs.
    public func payloadBytes() -> [UInt8] { json.canonicalBytes() }

    /// An unsigned envelope of the canonical payload.
    public func unsignedEnvelope() -> Envelope {
        Envelope(payloadType: Self.payloadType, payload: payloadBytes())
    }

    /// Parses a payload: structure (`malformed_json`), time (`invalid_time`), and `invalid_revocation`
    /// for no key, a key twice or not a key, a bad nonce or an over-long reason. The bytes must be
    /// exactly `payloadBytes()` of the result (`malformed_json`).
    public static func parse(payload: [UInt8]) throws(BrakeError) -> Revocation {
        let revocation = try Revocation(json: JSONValue.parse(payload, what: "revocation"))
        guard revocation.payloadBytes() == payload else { throw JSONValue.notCanonical("revocation") }
        return revocation
    }
}

extension Revocation: JSONConvertible {
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "revocation")
        try f.finish(known: ["federation", "party", "keys", "reason", "created", "nonce"])
        federation = try f.string("federation")
        party = try f.string("party")
        func fail(_ why: String) -> BrakeError { BrakeError(.invalidRevocation, why) }
        var keys: [PublicKey] = []
        for text in try f.strings("keys") {
            do {
                keys.append(try PublicKey(base64: text))
            } catch {
                throw fail("\"\(text)\" is not a public key: \(error.message)")
            }
        }
        self.keys = keys
        reason = try f.string("reason")
        created = try RFC3339.parse(f.string("created"))
        nonce = try f.string("nonce")
        guard !keys.isEmpty else { throw fail("the revocation names no key") }
        guard Set(keys).count == keys.count else { throw fail("the revocation names a key twice") }
        try Declaration.checkNonceAndReason(nonce: nonce, reason: reason, code: .invalidRevocation)
    }

    var json: JSONValue {
        .object([
            "federation": .string(federation), "party": .string(party), "keys": .strings(keys.map(\.base64)),
            "reason": .string(reason), "created": .string(RFC3339.format(created)), "nonce": .string(nonce),
        ])
    }
}
