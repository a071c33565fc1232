/// Something that happened in the registry while applying an entry, for watchers (`GET /v1/events`,
/// `brakectl watch`) and logs. Every event carries the index of the entry that caused it, so a
/// stream can resume from an index.
///
/// JSON form (stable): `{"type":"pause_in_force","pause":"<id>","scope":"training","index":12}`;
/// motion events use `"id"`, `motion_signed` adds `"party"`, `attestation_recorded` has
/// `"pause"`, `"party"`, `"period"`; `attestation_overdue` has `"pause"`, `"party"` and the deadline
/// missed as `"due"` (RFC 3339) and `"dueMillis"`; `attestation_countersigned` and
/// `attestation_disputed` have `"attestation"`, `"pause"`, `"party"` (the attesting party) and
/// `"reviewer"`, and a dispute adds `"reason"`; `charter_amended` has `"id"` (the amendment or
/// revocation that caused it) and `"charter"` (the new charter's id); `key_revoked` has `"party"` and
/// `"keyid"`. Motion events (`motion_opened`, `motion_signed`, `motion_passed`, `motion_expired`,
/// `motion_superseded`) also report amendments, by amendment id.
public enum RegistryEvent: Sendable, Hashable, Codable {
    /// A new motion was recorded.
    case motionOpened(id: String, index: UInt64)
    /// A party's signature of a motion was recorded (also for the signatures it opened with).
    case motionSigned(id: String, party: String, index: UInt64)
    /// A motion met its policy.
    case motionPassed(id: String, index: UInt64)
    /// A motion reached its expiry unpassed.
    case motionExpired(id: String, index: UInt64)
    /// A motion was overtaken by another that passed for the same scope or pause.
    case motionSuperseded(id: String, index: UInt64)
    /// A pause took effect.
    case pauseInForce(pauseID: String, scope: Scope, index: UInt64)
    /// A pause was lifted.
    case pauseLifted(pauseID: String, scope: Scope, index: UInt64)
    /// A pause reached its sunset.
    case pauseSunset(pauseID: String, index: UInt64)
    /// An attestation was recorded.
    case attestationRecorded(pauseID: String, party: String, period: String, index: UInt64)
    /// A lab let a deadline of a pause in force pass without attesting (once per deadline missed:
    /// the next comes only after it attests again; see `AttestationSchedule`).
    case attestationOverdue(pauseID: String, party: String, due: Millis, index: UInt64)
    /// A government countersigned a lab's attestation.
    case attestationCountersigned(attestationID: String, pauseID: String, party: String, reviewer: String, index: UInt64)
    /// A government disputed an attestation, saying why.
    case attestationDisputed(attestationID: String, pauseID: String, party: String, reviewer: String, reason: String, index: UInt64)
    /// A new charter took over after this entry: `cause` is the amendment that passed or the
    /// revocation committed, `charterID` the id of the charter now in force.
    case charterAmended(cause: String, charterID: String, index: UInt64)
    /// A key that the charter before listed is absent from the new one: its signatures count no more.
    case keyRevoked(party: String, keyID: String, index: UInt64)

    /// The snake_case `type` of the JSON form.
    public var type: String {
        switch self {
        case .motionOpened: "motion_opened"
        case .motionSigned: "motion_signed"
        case .motionPassed: "motion_passed"
        case .motionExpired: "motion_expired"
        case .motionSuperseded: "motion_superseded"
        case .pauseInForce: "pause_in_force"
        case .pauseLifted: "pause_lifted"
        case .pauseSunset: "pause_sunset"
        case .attestationRecorded: "attestation_recorded"
        case .attestationOverdue: "attestation_overdue"
        case .attestationCountersigned: "attestation_countersigned"
        case .attestationDisputed: "attestation_disputed"
        case .charterAmended: "charter_amended"
        case .keyRevoked: "key_revoked"
        }
    }

    /// The entry that caused the event.
    public var index: UInt64 {
        switch self {
        case .motionOpened(_, let i), .motionSigned(_, _, let i), .motionPassed(_, let i), .motionExpired(_, let i),
             .motionSuperseded(_, let i), .pauseInForce(_, _, let i), .pauseLifted(_, _, let i), .pauseSunset(_, let i),
             .attestationRecorded(_, _, _, let i), .attestationOverdue(_, _, _, let i),
             .attestationCountersigned(_, _, _, _, let i), .attestationDisputed(_, _, _, _, _, let i),
             .charterAmended(_, _, let i), .keyRevoked(_, _, let i):
            i
        }
    }

    /// The canonical JSON form.
    public func jsonBytes() -> [UInt8] { json.canonicalBytes() }

    /// Whether the event starts or ends a pause (what `check` answers from changed).
    public var changesPauses: Bool {
        switch self {
        case .pauseInForce, .pauseLifted, .pauseSunset: true
        default: false
        }
    }

    /// Parses the JSON form (strict: unknown fields and types are refused).
    public init(jsonBytes: [UInt8]) throws(BrakeError) {
        try self.init(json: try JSONValue.parse(jsonBytes, what: "registry event"))
    }

    /// Decodes the JSON form.
    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder) }
    /// Encodes the JSON form.
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

extension RegistryEvent: JSONConvertible {
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "registry event")
        let type = try f.string("type")
        let index = try f.index("index")
        switch type {
        case "motion_opened", "motion_passed", "motion_expired", "motion_superseded":
            try f.finish(known: ["type", "id", "index"])
            let id = try f.string("id")
            self = switch type {
            case "motion_opened": .motionOpened(id: id, index: index)
            case "motion_passed": .motionPassed(id: id, index: index)
            case "motion_expired": .motionExpired(id: id, index: index)
            default: .motionSuperseded(id: id, index: index)
            }
        case "motion_signed":
            try f.finish(known: ["type", "id", "party", "index"])
            self = .motionSigned(id: try f.string("id"), party: try f.string("party"), index: index)
        case "pause_in_force", "pause_lifted":
            try f.finish(known: ["type", "pause", "scope", "index"])
            let pause = try f.string("pause"), scope = try Scope(f.string("scope"))
            self = type == "pause_in_force"
                ? .pauseInForce(pauseID: pause, scope: scope, index: index)
                : .pauseLifted(pauseID: pause, scope: scope, index: index)
        case "pause_sunset":
            try f.finish(known: ["type", "pause", "index"])
            self = .pauseSunset(pauseID: try f.string("pause"), index: index)
        case "attestation_recorded":
            try f.finish(known: ["type", "pause", "party", "period", "index"])
            self = .attestationRecorded(
                pauseID: try f.string("pause"), party: try f.string("party"), period: try f.string("period"), index: index)
        case "attestation_overdue":
            try f.finish(known: ["type", "pause", "party", "due", "dueMillis", "index"])
            let due = try f.int("dueMillis")
            guard try f.string("due") == RFC3339.format(due) else { throw f.error("\"due\" is not \"dueMillis\" as RFC 3339") }
            self = .attestationOverdue(pauseID: try f.string("pause"), party: try f.string("party"), due: due, index: index)
        case "attestation_countersigned":
            try f.finish(known: ["type", "attestation", "pause", "party", "reviewer", "index"])
            self = .attestationCountersigned(
                attestationID: try f.string("attestation"), pauseID: try f.string("pause"), party: try f.string("party"),
                reviewer: try f.string("reviewer"), index: index)
        case "attestation_disputed":
            try f.finish(known: ["type", "attestation", "pause", "party", "reviewer", "reason", "index"])
            self = .attestationDisputed(
                attestationID: try f.string("attestation"), pauseID: try f.string("pause"), party: try f.string("party"),
                reviewer: try f.string("reviewer"), reason: try f.string("reason"), index: index)
        case "charter_amended":
            try f.finish(known: ["type", "id", "charter", "index"])
            self = .charterAmended(cause: try f.string("id"), charterID: try f.string("charter"), index: index)
        case "key_revoked":
            try f.finish(known: ["type", "party", "keyid", "index"])
            self = .keyRevoked(party: try f.string("party"), keyID: try f.string("keyid"), index: index)
        default:
            throw f.error("unknown event type \"\(type)\"")
        }
    }

    var json: JSONValue {
        var o: [JSONKey: JSONValue] = ["type": .string(type), "index": .index(index)]
        switch self {
        case .motionOpened(let id, _), .motionPassed(let id, _), .motionExpired(let id, _), .motionSuperseded(let id, _):
            o["id"] = .string(id)
        case .motionSigned(let id, let party, _):
            o["id"] = .string(id)
            o["party"] = .string(party)
        case .pauseInForce(let pause, let scope, _), .pauseLifted(let pause, let scope, _):
            o["pause"] = .string(pause)
            o["scope"] = .string(scope.path)
        case .pauseSunset(let pause, _):
            o["pause"] = .string(pause)
        case .attestationRecorded(let pause, let party, let period, _):
            o["pause"] = .string(pause)
            o["party"] = .string(party)
            o["period"] = .string(period)
        case .attestationOverdue(let pause, let party, let due, _):
            o["pause"] = .string(pause)
            o["party"] = .string(party)
            o["due"] = .string(RFC3339.format(due))
            o["dueMillis"] = .int(due)
        case .attestationCountersigned(let attestation, let pause, let party, let reviewer, _):
            o["attestation"] = .string(attestation)
            o["pause"] = .string(pause)
            o["party"] = .string(party)
            o["reviewer"] = .string(reviewer)
        case .attestationDisputed(let attestation, let pause, let party, let reviewer, let reason, _):
            o["attestation"] = .string(attestation)
            o["pause"] = .string(pause)
            o["party"] = .string(party)
            o["reviewer"] = .string(reviewer)
            o["reason"] = .string(reason)
        case .charterAmended(let cause, let charterID, _):
            o["id"] = .string(cause)
            o["charter"] = .string(charterID)
        case .keyRevoked(let party, let keyID, _):
            o["party"] = .string(party)
            o["keyid"] = .string(keyID)
        }
        return .object(o)
    }
}
