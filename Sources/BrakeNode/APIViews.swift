import BrakeCore
import BrakeRaft
import BrakeReplica
import BrakeStore
import Foundation

// Times in the API: every instant is RFC 3339 UTC text with whole seconds (`2026-11-29T10:00:00Z`).
// Where the node keeps it to the millisecond (an entry's stamp, and the times derived from one),
// `<name>Millis` beside it carries the exact epoch milliseconds. A motion's `created` and `expires`
// are whole seconds by construction (they are signed as text), so they have no `Millis` twin.

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
    var signers: [SignerView]
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
        signers = record.signers.map(SignerView.init)
        openedAt = record.openedAt
        passedAt = record.passedAt
        closedAt = record.closedAt
        pauseID = record.pauseID
    }
}

/// One party's recorded signature of a motion: the key that verified it and the entry that recorded it.
struct SignerView: Encodable {
    var party: String
    var keyID: String
    var index: UInt64
    var time: String
    var timeMillis: Millis

    init(_ signer: SignerRecord) {
        party = signer.party
        keyID = signer.keyID
        index = signer.index
        time = RFC3339.format(signer.time)
        timeMillis = signer.time
    }
}

/// A pause as the API shows it, with whether it is in force now.
struct PauseView: Encodable {
    var id: String
    var scope: String
    var reason: String
    var triggeredAt: UInt64
    var since: String
    var sinceMillis: Millis
    var signers: [String]
    var liftedAt: UInt64?
    var liftedBy: String?
    var liftedTime: String?
    var liftedTimeMillis: Millis?
    var sunset: String?
    var sunsetMillis: Millis?
    var inForce: Bool

    init(_ pause: Pause, inForce: Bool) {
        id = pause.id
        scope = pause.scope.path
        reason = pause.reason
        triggeredAt = pause.triggeredAt
        since = RFC3339.format(pause.since)
        sinceMillis = pause.since
        signers = pause.signers
        liftedAt = pause.liftedAt
        liftedBy = pause.liftedBy
        liftedTime = pause.liftedTime.map(RFC3339.format)
        liftedTimeMillis = pause.liftedTime
        sunset = pause.sunset.map(RFC3339.format)
        sunsetMillis = pause.sunset
        self.inForce = inForce
    }

    init(_ pause: Pause, now: Millis) {
        self.init(pause, inForce: pause.isInForce(at: now))
    }
}

/// A committed entry as `/v1/log` shows it, from the permanent history: a no-op, or the leader's
/// stamp and the declaration's DSSE envelope as a JSON object (the same shape `POST /v1/declarations`
/// takes, so it can be verified or resubmitted as it is), in its canonical form, as the leaf holds it.
/// `leafIndex` is the declaration's position in the Merkle tree, when the node placed it.
struct LogEntryView: Encodable {
    var index: UInt64
    var term: UInt64
    var noop: Bool
    var time: String?
    var timeMillis: Millis?
    var declaration: Envelope?
    var leafIndex: UInt64?

    init(record: HistoryRecord) {
        index = record.index
        term = record.term
        noop = record.isNoop
        leafIndex = record.leafPosition
        guard let leaf = try? record.leaf() else { return }
        time = RFC3339.format(leaf.time)
        timeMillis = leaf.time
        declaration = leaf.envelope
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
        /// The node's checkpoint key (Ed25519, base64 of 32 bytes): what its cosignatures verify with.
        var checkpointKey: String
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
    /// The clock skew in force (the charter's, or the default when it names none).
    var maxClockSkewSeconds: Int64
    /// The genesis charter's DSSE envelope as its founding parties signed it: the one thing here a
    /// client can verify for itself (`Charter.verify`), the root of the charter chain, and what
    /// `brakectl export` puts in a bundle. The same whichever charter is shown.
    var envelope: Envelope
    /// The charter's canonical payload, base64: it hashes to `id`, so a client reads the exact charter.
    var payload: String
    /// The entry from which this charter judges: 0 for genesis, else the entry where the amendment
    /// that made it passed or the revocation committed.
    var since: UInt64
    /// The id of that amendment or revocation; absent for genesis.
    var cause: String?
    /// `amendment` or `revocation`; absent for genesis.
    var causeKind: String?
    /// The genesis charter's id (the id of `envelope`'s payload).
    var genesis: String

    init(_ epoch: CharterEpoch, kind: String?, genesis: String, envelope: Envelope) {
        let charter = epoch.charter
        payload = Data(charter.payloadBytes()).base64EncodedString()
        since = epoch.index
        cause = epoch.cause
        causeKind = kind
        self.genesis = genesis
        id = charter.id
        federation = charter.federation
        parties = charter.parties.map { PartyView(id: $0.id, name: $0.name, class: $0.partyClass.rawValue, keys: $0.keys.map(\.base64)) }
        nodes = charter.nodes.map { NodeView(id: $0.id, party: $0.party, address: $0.address, checkpointKey: $0.checkpointKey.base64) }
        trigger = charter.trigger.summary
        lift = charter.lift.summary
        amend = charter.amend.summary
        motionLifetimeSeconds = charter.motionLifetimeSeconds
        attestationIntervalSeconds = charter.attestationIntervalSeconds
        pauseSunsetSeconds = charter.pauseSunsetSeconds
        maxClockSkewSeconds = charter.clockSkewSeconds
        self.envelope = envelope
    }
}
