/// A signed statement a party submits to the registry.
public enum Declaration: Sendable, Hashable {
    /// A trigger or lift motion (or a co-signature of one).
    case motion(Motion)
    /// A compliance attestation.
    case attestation(Attestation)
    /// A government's countersignature or dispute of an attestation.
    case review(AttestationReview)
    /// A proposal to replace the charter (or a co-signature of one).
    case amendment(Amendment)
    /// A party's withdrawal of some of its own keys.
    case revocation(Revocation)

    /// The payload types the registry accepts, in the order error messages list them.
    public static let payloadTypes = [
        Motion.payloadType, Attestation.payloadType, AttestationReview.payloadType, Amendment.payloadType, Revocation.payloadType,
    ]

    /// Whether `payloadType` is one the registry accepts (same bytes).
    public static func accepts(payloadType: String) -> Bool {
        payloadTypes.contains { Bytes.same($0, payloadType) }
    }

    /// The error for any other payload type.
    /// The rules a motion, an amendment and a revocation share for their free fields (`code`
    /// otherwise): a nonce of 16 to 128 lowercase hex characters (chosen at random by the
    /// proposer's tool, so that two otherwise equal declarations have two ids), a reason of at most
    /// 4096 bytes.
    static func checkNonceAndReason(nonce: String, reason: String, code: BrakeError.Code) throws(BrakeError) {
        guard (16...128).contains(nonce.utf8.count), Bytes.isLowerHex(nonce) else {
            throw BrakeError(code, "the nonce must be 16 to 128 lowercase hex characters")
        }
        guard reason.utf8.count <= 4096 else { throw BrakeError(code, "the reason is longer than 4096 bytes") }
    }

    static func wrongPayloadType(_ payloadType: String) -> BrakeError {
        BrakeError(
            .wrongPayloadType,
            "payloadType \"\(payloadType)\" is none of \(payloadTypes.joined(separator: ", "))")
    }

    /// Parses an envelope's payload according to its payloadType (`wrong_payload_type` for any other).
    /// Signatures are not looked at: that needs the charter, see `Registry.admit`.
    public static func parse(_ envelope: Envelope) throws(BrakeError) -> Declaration {
        if Bytes.same(envelope.payloadType, Motion.payloadType) {
            return .motion(try Motion.parse(payload: envelope.payload))
        }
        if Bytes.same(envelope.payloadType, Attestation.payloadType) {
            return .attestation(try Attestation.parse(payload: envelope.payload))
        }
        if Bytes.same(envelope.payloadType, AttestationReview.payloadType) {
            return .review(try AttestationReview.parse(payload: envelope.payload))
        }
        if Bytes.same(envelope.payloadType, Amendment.payloadType) {
            return .amendment(try Amendment.parse(payload: envelope.payload))
        }
        if Bytes.same(envelope.payloadType, Revocation.payloadType) {
            return .revocation(try Revocation.parse(payload: envelope.payload))
        }
        throw wrongPayloadType(envelope.payloadType)
    }

    /// "motion", "attestation", "review", "amendment" or "revocation".
    public var kindName: String {
        switch self {
        case .motion: "motion"
        case .attestation: "attestation"
        case .review: "review"
        case .amendment: "amendment"
        case .revocation: "revocation"
        }
    }

    /// The party a declaration speaks for: a motion's or an amendment's proposer, an attestation's,
    /// a review's or a revocation's party.
    public var owner: String {
        switch self {
        case .motion(let motion): motion.proposer
        case .attestation(let attestation): attestation.party
        case .review(let review): review.party
        case .amendment(let amendment): amendment.proposer
        case .revocation(let revocation): revocation.party
        }
    }
}

/// A declaration as parsed from one payload, kept to parse it only once: a leader parses what it
/// admits, and its apply of the same bytes takes the result (`Registry.apply(index:committed:memo:parsed:)`).
/// It stands for its own bytes only: used for an envelope whose payload type and payload are
/// exactly these, never for another.
public struct ParsedDeclaration: Sendable, Hashable {
    let payloadType: String
    let payload: [UInt8]
    let declaration: Declaration

    /// The declaration `envelope` carries, parsed by admission.
    public init(_ declaration: Declaration, of envelope: Envelope) {
        self.payloadType = envelope.payloadType
        self.payload = envelope.payload
        self.declaration = declaration
    }

    /// The declaration when `envelope` carries exactly the parsed bytes, else nil.
    func declaration(of envelope: Envelope) -> Declaration? {
        envelope.payloadType == payloadType && envelope.payload == payload ? declaration : nil
    }
}
