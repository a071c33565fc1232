/// A signed statement a party submits to the registry.
public enum Declaration: Sendable, Hashable {
    /// A trigger or lift motion (or a co-signature of one).
    case motion(Motion)
    /// A compliance attestation.
    case attestation(Attestation)

    /// Parses an envelope's payload according to its payloadType (`wrong_payload_type` for any other).
    /// Signatures are not looked at: that needs the charter, see `Registry.admit`.
    public static func parse(_ envelope: Envelope) throws(BrakeError) -> Declaration {
        if Bytes.same(envelope.payloadType, Motion.payloadType) {
            return .motion(try Motion.parse(payload: envelope.payload))
        }
        if Bytes.same(envelope.payloadType, Attestation.payloadType) {
            return .attestation(try Attestation.parse(payload: envelope.payload))
        }
        throw BrakeError(
            .wrongPayloadType,
            "payloadType \"\(envelope.payloadType)\" is neither \(Motion.payloadType) nor \(Attestation.payloadType)")
    }

    /// "motion" or "attestation".
    public var kindName: String {
        switch self {
        case .motion: "motion"
        case .attestation: "attestation"
        }
    }
}
