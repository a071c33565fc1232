/// Whether a motion asks to press or to release the brake.
public enum MotionKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Start a pause of the motion's scope.
    case trigger
    /// End the pause the motion names.
    case lift
}

/// A proposal to trigger or lift a pause; parties co-sign the same payload bytes until its policy is met.
///
/// Payload (`application/vnd.brake.motion.v1+json`), every field required, no other field allowed:
///
/// ```json
/// {"federation":"brake-dev","kind":"trigger","scope":"training","reason":"…","pause":null,
///  "proposer":"lab-a","created":"2026-11-29T10:00:00Z","expires":"2026-11-30T10:00:00Z","nonce":"<16+ hex>"}
/// ```
///
/// `pause` is null for a trigger and the pause id (= its trigger motion id) for a lift. The nonce makes
/// two otherwise identical motions distinct: its id is the SHA-256 of the payload bytes, which must be
/// the canonical encoding (`payloadBytes()`), so that one motion has exactly one id.
public struct Motion: Sendable, Hashable, Codable {
    /// The payloadType of motion envelopes.
    public static let payloadType = "application/vnd.brake.motion.v1+json"

    /// The federation this motion is for.
    public var federation: String
    /// Trigger or lift.
    public var kind: MotionKind
    /// The scope paused (trigger) or released (lift: must equal the pause's scope).
    public var scope: Scope
    /// Why, for people; at most 4096 bytes.
    public var reason: String
    /// The pause a lift ends; nil for a trigger.
    public var pause: String?
    /// The party that proposes it; must sign the motion when it is first submitted.
    public var proposer: String
    /// When it was written (whole seconds in the payload).
    public var created: Millis
    /// When it stops accepting signatures (whole seconds in the payload).
    public var expires: Millis
    /// 16 to 128 lowercase hex characters, chosen at random by the proposer's tool.
    public var nonce: String

    /// Creates a motion; `payloadBytes()` truncates times to whole seconds.
    public init(
        federation: String, kind: MotionKind, scope: Scope, reason: String, pause: String? = nil,
        proposer: String, created: Millis, expires: Millis, nonce: String
    ) {
        self.federation = federation
        self.kind = kind
        self.scope = scope
        self.reason = reason
        self.pause = pause
        self.proposer = proposer
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
    /// (`invalid_time`), scope (`invalid_scope`), and `invalid_motion` for an unknown kind, a bad nonce,
    /// an over-long reason, `created > expires`, a trigger naming a pause or a lift naming none.
    /// Then the bytes must be exactly `payloadBytes()` of the result (`malformed_json`): the id is the
    /// hash of the bytes, so a motion with two spellings would be two motions, its signatures split.
    /// Rules that need the charter or the registry (federation, proposer, lifetime) are the registry's.
    public static func parse(payload: [UInt8]) throws(BrakeError) -> Motion {
        let motion = try Motion(json: JSONValue.parse(payload, what: "motion"))
        guard motion.payloadBytes() == payload else { throw JSONValue.notCanonical("motion") }
        return motion
    }

    /// Decodes the payload JSON form.
    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder) }
    /// Encodes the payload JSON form.
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

/// The id of a declaration: lowercase hex SHA-256 of its exact payload bytes.
public func motionID(payload: [UInt8]) -> String {
    sha256Hex(payload)
}

/// Lowercase hex of the SHA-256 of `bytes`: the form of every id and evidence digest in Brake.
public func sha256Hex(_ bytes: [UInt8]) -> String {
    Bytes.sha256Hex(bytes)
}

extension Motion: JSONConvertible {
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "motion")
        try f.finish(known: ["federation", "kind", "scope", "reason", "pause", "proposer", "created", "expires", "nonce"])
        federation = try f.string("federation")
        let kindName = try f.string("kind")
        guard let kind = MotionKind(rawValue: kindName) else {
            throw BrakeError(.invalidMotion, "unknown motion kind \"\(kindName)\" (expected trigger or lift)")
        }
        self.kind = kind
        scope = try Scope(f.string("scope"))
        reason = try f.string("reason")
        pause = try f.nullableString("pause")
        proposer = try f.string("proposer")
        created = try RFC3339.parse(f.string("created"))
        expires = try RFC3339.parse(f.string("expires"))
        nonce = try f.string("nonce")
        try checkFields()
    }

    private func checkFields() throws(BrakeError) {
        func fail(_ why: String) -> BrakeError { BrakeError(.invalidMotion, why) }
        try Declaration.checkNonceAndReason(nonce: nonce, reason: reason, code: .invalidMotion)
        guard created <= expires else {
            throw fail("the motion expires (\(RFC3339.format(expires))) before it is created (\(RFC3339.format(created)))")
        }
        switch kind {
        case .trigger where pause != nil: throw fail("a trigger motion must have \"pause\": null")
        case .lift where pause == nil: throw fail("a lift motion must name the pause it lifts")
        default: break
        }
    }

    var json: JSONValue {
        .object([
            "federation": .string(federation), "kind": .string(kind.rawValue), "scope": .string(scope.path),
            "reason": .string(reason), "pause": .string(pause), "proposer": .string(proposer),
            "created": .string(RFC3339.format(created)), "expires": .string(RFC3339.format(expires)),
            "nonce": .string(nonce),
        ])
    }
}
