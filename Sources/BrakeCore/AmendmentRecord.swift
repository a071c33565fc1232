/// The registry's record of an amendment: its payload, its signatures and its state.
///
/// Unlike a motion, an amendment may carry several signatures of one party: a party adding a key signs
/// with a key it holds (authority) and with the new key (proof of possession). `envelope` therefore
/// holds one verified signature per key, each keyid set to the key that verified it.
public struct AmendmentRecord: Sendable, Hashable {
    /// The amendment id (SHA-256 of `payload`).
    public var id: String
    /// The parsed amendment.
    public var amendment: Amendment
    /// The exact signed payload bytes.
    public var payload: [UInt8]
    /// The merged envelope.
    public var envelope: Envelope
    /// Who signed with which key, in the order the signatures were recorded. A signature by a key the
    /// next charter adds names the party the next charter gives that key.
    public var signers: [SignerRecord]
    /// The current state: `open`, `passed`, `expired` or `superseded` (another amendment passed first).
    public var state: MotionState
    /// The entry that opened it.
    public var openedAt: UInt64
    /// The entry that made it pass (and from which its charter judges).
    public var passedAt: UInt64?
    /// The entry that closed it (passed, expired or superseded).
    public var closedAt: UInt64?

    /// Creates a record.
    public init(
        id: String, amendment: Amendment, payload: [UInt8], envelope: Envelope, signers: [SignerRecord],
        state: MotionState, openedAt: UInt64, passedAt: UInt64? = nil, closedAt: UInt64? = nil
    ) {
        self.id = id
        self.amendment = amendment
        self.payload = payload
        self.envelope = envelope
        self.signers = signers
        self.state = state
        self.openedAt = openedAt
        self.passedAt = passedAt
        self.closedAt = closedAt
    }

    /// The distinct parties that signed, in signing order.
    public var signerParties: [String] {
        var seen = Set<String>()
        return signers.map(\.party).filter { seen.insert($0).inserted }
    }

    /// The state as seen at `now`: an open amendment at or past its expiry reads as expired.
    public func state(at now: Millis) -> MotionState {
        state == .open && now >= amendment.expires ? .expired : state
    }
}

extension AmendmentRecord: JSONConvertible {
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "amendment record", code: .corruptState)
        try f.finish(known: ["id", "amendment", "payload", "envelope", "signers", "state", "openedAt", "passedAt", "closedAt"])
        id = try f.string("id")
        amendment = try Amendment(json: f.value("amendment"))
        payload = try Bytes.decodeBase64(f.string("payload"), field: "payload")
        envelope = try Envelope(json: f.value("envelope"))
        var signers: [SignerRecord] = []
        for item in try f.array("signers") { signers.append(try SignerRecord(json: item)) }
        self.signers = signers
        let stateName = try f.string("state")
        guard let state = MotionState(rawValue: stateName) else { throw f.error("unknown state \"\(stateName)\"") }
        self.state = state
        openedAt = try f.index("openedAt")
        passedAt = try f.nullableIndex("passedAt")
        closedAt = try f.nullableIndex("closedAt")
    }

    var json: JSONValue {
        .object([
            "id": .string(id), "amendment": amendment.json, "payload": .string(Bytes.base64(payload)),
            "envelope": envelope.json, "signers": .array(signers.map(\.json)), "state": .string(state.rawValue),
            "openedAt": .index(openedAt), "passedAt": .index(passedAt), "closedAt": .index(closedAt),
        ])
    }
}
