import BrakeCore
import BrakeReplica
import Foundation

/// A motion as the API shows it: the exact payload that parties sign, its parsed fields, who signed
/// and its state.
struct MotionView: Encodable {
    var id: String
    var state: String
    var kind: String
    var scope: String
    var reason: String
    var pause: String?
    var proposer: String
    var created: String
    var expires: String
    var payloadType: String
    /// The payload bytes, base64, exactly as signed.
    var payload: String
    /// The payload as text, for people to read before they sign.
    var payloadText: String
    var signers: [SignerRecord]
    var openedAt: UInt64
    var passedAt: UInt64?
    var closedAt: UInt64?
    var pauseID: String?

    init(_ record: MotionRecord) {
        id = record.id
        state = record.state.rawValue
        kind = record.motion.kind.rawValue
        scope = record.motion.scope.path
        reason = record.motion.reason
        pause = record.motion.pause
        proposer = record.motion.proposer
        created = RFC3339.format(record.motion.created)
        expires = RFC3339.format(record.motion.expires)
        payloadType = Motion.payloadType
        payload = Data(record.payload).base64EncodedString()
        payloadText = String(decoding: record.payload, as: UTF8.self)
        signers = record.signers
        openedAt = record.openedAt
        passedAt = record.passedAt
        closedAt = record.closedAt
        pauseID = record.pauseID
    }
}

/// A pause as the API shows it, with whether it is in force now.
struct PauseView: Encodable {
    var pause: Pause
    var inForce: Bool

    init(_ pause: Pause, now: Millis) {
        self.pause = pause
        self.inForce = pause.isInForce(at: now)
    }

    enum CodingKeys: String, CodingKey { case inForce }

    func encode(to encoder: any Encoder) throws {
        try pause.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(inForce, forKey: .inForce)
    }
}

/// The charter as the API shows it.
struct CharterView: Encodable {
    struct PartyView: Encodable {
        var id: String
        var name: String
        var `class`: String
        var keys: [String]
    }
    struct NodeView: Encodable {
        var id: String
        var party: String
        var address: String
    }
    var id: String
    var federation: String
    var parties: [PartyView]
    var nodes: [NodeView]
    var trigger: String
    var lift: String
    var amend: String
    var motionLifetimeSeconds: Int64
    var attestationIntervalSeconds: Int64
    var pauseSunsetSeconds: Int64?

    init(_ charter: Charter) {
        id = charter.id
        federation = charter.federation
        parties = charter.parties.map { PartyView(id: $0.id, name: $0.name, class: $0.partyClass.rawValue, keys: $0.keys.map(\.base64)) }
        nodes = charter.nodes.map { NodeView(id: $0.id, party: $0.party, address: $0.address) }
        trigger = charter.trigger.summary
        lift = charter.lift.summary
        amend = charter.amend.summary
        motionLifetimeSeconds = charter.motionLifetimeSeconds
        attestationIntervalSeconds = charter.attestationIntervalSeconds
        pauseSunsetSeconds = charter.pauseSunsetSeconds
    }
}
