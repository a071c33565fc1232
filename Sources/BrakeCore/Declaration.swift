/// A signed statement a party submits to the registry.
public enum Declaration: Sendable, Hashable {
    /// A trigger or lift motion (or a co-signature of one).
    case motion(Motion)
    /// A compliance attestation.
    case attestation(Attestation)
    /// A government's countersignature or dispute of an attestation.
    case review(AttestationReview)

    /// The payload types the registry accepts, in the order error messages list them.
    public static let payloadTypes = [Motion.payloadType, Attestation.payloadType, AttestationReview.payloadType]

    /// Whether `payloadType` is one the registry accepts (same bytes).
    public static func accepts(payloadType: String) -> Bool {
        payloadTypes.contains { Bytes.same($0, payloadType) }
    }

    /// The error for any other payload type.
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
        throw wrongPayloadType(envelope.payloadType)
    }

    /// "motion", "attestation" or "review".
    public var kindName: String {
        switch self {
        case .motion: "motion"
        case .attestation: "attestation"
        case .review: "review"
        }
    }
}
