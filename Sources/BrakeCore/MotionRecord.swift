/// Where a motion stands.
public enum MotionState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Accepting co-signatures.
    case open
    /// Its policy was met: the pause took effect (trigger) or ended (lift).
    case passed
    /// Reached `expires` before its policy was met.
    case expired
    /// Another motion for the same thing passed first.
    case superseded
}

/// One party's recorded signature of a motion.
public struct SignerRecord: Sendable, Hashable, Codable {
    /// The signing party.
    public var party: String
    /// The key id of the key that verified (not the envelope's hint).
    public var keyID: String
    /// The entry that recorded it.
    public var index: UInt64
    /// The effective time of that entry.
    public var time: Millis

    /// Creates a signer record.
    public init(party: String, keyID: String, index: UInt64, time: Millis) {
        self.party = party
        self.keyID = keyID
        self.index = index
        self.time = time
    }
}

/// The registry's record of a motion: its payload, its merged signatures and its state.
///
/// `envelope` holds the payload and one verified signature per party (the first seen), with each
/// keyid set to the key that verified it, so anyone can re-check the decision from this record alone.
public struct MotionRecord: Sendable, Hashable, Codable {
    /// The motion id (SHA-256 of `payload`).
    public var id: String
    /// The parsed motion.
    public var motion: Motion
    /// The exact signed payload bytes.
    public var payload: [UInt8]
    /// The merged envelope.
    public var envelope: Envelope
    /// Who signed, in the order their signatures were recorded.
    public var signers: [SignerRecord]
    /// The current state.
    public var state: MotionState
    /// The entry that opened the motion.
    public var openedAt: UInt64
    /// The entry that made it pass.
    public var passedAt: UInt64?
    /// The entry that closed it (passed, expired or superseded).
    public var closedAt: UInt64?
    /// For a lift, the pause it targets; for a passed trigger, the pause it created (its own id).
    public var pauseID: String?

    /// Creates a record.
    public init(
        id: String, motion: Motion, payload: [UInt8], envelope: Envelope, signers: [SignerRecord],
        state: MotionState, openedAt: UInt64, passedAt: UInt64? = nil, closedAt: UInt64? = nil, pauseID: String? = nil
    ) {
        self.id = id
        self.motion = motion
        self.payload = payload
        self.envelope = envelope
        self.signers = signers
        self.state = state
        self.openedAt = openedAt
        self.passedAt = passedAt
        self.closedAt = closedAt
        self.pauseID = pauseID
    }

    /// The distinct parties that signed, in signing order. (A party whose recorded signature was by a
    /// key revoked since may sign again with another key: it is listed once.)
    public var signerParties: [String] {
        var seen = Set<String>()
        return signers.map(\.party).filter { seen.insert($0).inserted }
    }

    /// The state as seen at `now`: an open motion at or past its expiry reads as expired even before
    /// the next entry records it.
    public func state(at now: Millis) -> MotionState {
        state == .open && now >= motion.expires ? .expired : state
    }

    /// Decodes the JSON form (see `Registry.row(for:)`).
    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder) }
    /// Encodes the JSON form.
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

/// A pause of some scope, in force from the entry that passed its trigger until a lift passes or its
/// sunset arrives.
public struct Pause: Sendable, Hashable, Codable {
    /// The pause id: the id of the trigger motion that created it.
    public var id: String
    /// What it covers.
    public var scope: Scope
    /// The trigger motion's reason.
    public var reason: String
    /// The entry that made the trigger pass.
    public var triggeredAt: UInt64
    /// The effective time of that entry.
    public var since: Millis
    /// The parties whose signatures met the trigger policy.
    public var signers: [String]
    /// The entry that made a lift pass.
    public var liftedAt: UInt64?
    /// The lift motion that ended it.
    public var liftedBy: String?
    /// The effective time of the lift.
    public var liftedTime: Millis?
    /// When it ends by itself, if the charter sets a sunset.
    public var sunset: Millis?

    /// Creates a pause.
    public init(
        id: String, scope: Scope, reason: String, triggeredAt: UInt64, since: Millis, signers: [String],
        liftedAt: UInt64? = nil, liftedBy: String? = nil, liftedTime: Millis? = nil, sunset: Millis? = nil
    ) {
        self.id = id
        self.scope = scope
        self.reason = reason
        self.triggeredAt = triggeredAt
        self.since = since
        self.signers = signers
        self.liftedAt = liftedAt
        self.liftedBy = liftedBy
        self.liftedTime = liftedTime
        self.sunset = sunset
    }

    /// Whether the pause holds at `now`: not lifted and, if it has a sunset, before it. A committed pause
    /// counts even if `now` reads earlier than `since` (a node's clock behind the leader's): bias to safety.
    public func isInForce(at now: Millis) -> Bool {
        liftedAt == nil && (sunset.map { now < $0 } ?? true)
    }

    /// Decodes the JSON form.
    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder) }
    /// Encodes the JSON form.
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

/// The registry's record of an accepted attestation.
public struct AttestationRecord: Sendable, Hashable, Codable {
    /// The attestation id (SHA-256 of the payload).
    public var id: String
    /// The parsed attestation.
    public var attestation: Attestation
    /// The envelope as verified: payload and one signature per party, keyids set to the verifying keys.
    public var envelope: Envelope
    /// The distinct parties that signed.
    public var signers: [String]
    /// The entry that recorded it.
    public var index: UInt64
    /// The effective time of that entry.
    public var time: Millis

    /// Creates a record.
    public init(id: String, attestation: Attestation, envelope: Envelope, signers: [String], index: UInt64, time: Millis) {
        self.id = id
        self.attestation = attestation
        self.envelope = envelope
        self.signers = signers
        self.index = index
        self.time = time
    }

    /// Decodes the JSON form.
    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder) }
    /// Encodes the JSON form.
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}
