import BrakeCore
import BrakeFuzz

/// The DSSE envelope decoder, the declaration decoders behind it, and the registry's admission and
/// apply of what they accept, on arbitrary bytes read as an envelope's JSON. Properties: nothing traps;
/// an accepted envelope re-encodes to bytes that decode to it and encode the same again; a declaration
/// parses only from its canonical payload; applied as the next entry, the envelope keeps every property
/// of `RegistryProbe.checkApply` (deterministic, admission agrees, a refusal leaves nothing behind).
enum FuzzEnvelope {
    static func check(_ input: [UInt8]) {
        guard let envelope = try? Envelope(json: input) else { return }
        let bytes = envelope.jsonBytes()
        let again = try? Envelope(json: bytes)
        FuzzProperty.require(again == envelope && again?.jsonBytes() == bytes, "an envelope does not round-trip")
        switch try? Declaration.parse(envelope) {
        case .motion(let motion):
            FuzzProperty.require(motion.payloadBytes() == envelope.payload, "a motion parsed from a non-canonical payload")
        case .attestation(let attestation):
            FuzzProperty.require(attestation.payloadBytes() == envelope.payload, "an attestation parsed from a non-canonical payload")
        case .review(let review):
            FuzzProperty.require(review.payloadBytes() == envelope.payload, "a review parsed from a non-canonical payload")
        case .amendment(let amendment):
            FuzzProperty.require(amendment.payloadBytes() == envelope.payload, "an amendment parsed from a non-canonical payload")
        case .revocation(let revocation):
            FuzzProperty.require(revocation.payloadBytes() == envelope.payload, "a revocation parsed from a non-canonical payload")
        case nil:
            break
        }
        _ = try? Charter.verify(envelope)
        RegistryProbe.checkApply(LogRecord(time: RegistryProbe.time + 60_000, envelope: envelope).encoded())
    }

    static func seeds() -> [[UInt8]] {
        (RegistryProbe.validEnvelopes + RegistryProbe.refusedEnvelopes).map { $0.jsonBytes() }
            + [Array(#"{"payloadType":"application/vnd.brake.motion.v1+json","payload":"e30","signatures":[{"keyid":null,"sig":"AA"}]}"#.utf8)]
    }
}

let target = FuzzTarget(name: "fuzz-envelope", check: FuzzEnvelope.check, seeds: FuzzEnvelope.seeds)

#if BRAKE_FUZZING
/// libFuzzer's entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    target.check(FuzzTarget.input(data, size))
    return 0
}
#else
@main
struct Replay {
    static func main() { target.runReplay() }
}
#endif
