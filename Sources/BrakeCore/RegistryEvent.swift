/// Something that happened in the registry while applying an entry, for watchers (`GET /v1/events`,
/// `brakectl watch`) and logs. Every event carries the index of the entry that caused it, so a
/// stream can resume from an index.
///
/// JSON form (stable): `{"type":"pause_in_force","pause":"<id>","scope":"training","index":12}`;
/// motion events use `"id"`, `motion_signed` adds `"party"`, `attestation_recorded` has
/// `"pause"`, `"party"`, `"period"`.
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
        }
    }

    /// The entry that caused the event.
    public var index: UInt64 {
        switch self {
        case .motionOpened(_, let i), .motionSigned(_, _, let i), .motionPassed(_, let i), .motionExpired(_, let i),
             .motionSuperseded(_, let i), .pauseInForce(_, _, let i), .pauseLifted(_, _, let i), .pauseSunset(_, let i),
             .attestationRecorded(_, _, _, let i):
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
        }
        return .object(o)
    }
}
