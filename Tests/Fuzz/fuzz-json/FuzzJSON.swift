import BrakeCore
import BrakeFuzz

/// The strict JSON parser and the typed payload decoders built on it (motion, attestation, charter,
/// key file), on arbitrary bytes. Properties: nothing traps; what the parser accepts canonicalizes to a
/// fixed point; a motion or attestation parses only from its own canonical bytes and re-parses equal;
/// a charter and a key file re-encode to bytes that decode to the same value and encode the same again.
enum FuzzJSON {
    static func check(_ input: [UInt8]) {
        if let canonical = try? CanonicalJSON.canonicalize(input) {
            FuzzProperty.require((try? CanonicalJSON.canonicalize(canonical)) == canonical, "canonical form is not a fixed point")
            FuzzProperty.require(CanonicalJSON.isCanonical(canonical), "canonical bytes are not canonical")
        } else {
            FuzzProperty.require(!CanonicalJSON.isCanonical(input), "refused bytes reported canonical")
        }
        if let motion = try? Motion.parse(payload: input) {
            FuzzProperty.require(motion.payloadBytes() == input, "a motion parsed from bytes that are not its canonical payload")
            FuzzProperty.require((try? Motion.parse(payload: motion.payloadBytes())) == motion, "a motion does not re-parse equal")
        }
        if let attestation = try? Attestation.parse(payload: input) {
            FuzzProperty.require(attestation.payloadBytes() == input, "an attestation parsed from bytes that are not its canonical payload")
            FuzzProperty.require((try? Attestation.parse(payload: attestation.payloadBytes())) == attestation, "an attestation does not re-parse equal")
        }
        if let charter = try? Charter.parse(payload: input) {
            let bytes = charter.payloadBytes()
            let again = try? Charter.parse(payload: bytes)
            FuzzProperty.require(again == charter && again?.payloadBytes() == bytes, "a charter does not round-trip")
        }
        if let file = try? KeyFile(decoding: input) {
            let bytes = file.encoded()
            let again = try? KeyFile(decoding: bytes)
            FuzzProperty.require(again == file && again?.encoded() == bytes, "a key file does not round-trip")
        }
    }

    static func seeds() -> [[UInt8]] {
        let envelopes = RegistryProbe.validEnvelopes
        let key = RegistryProbe.key("lab-a")
        let documents = [
            #"{"b":[1,-2,true,false,null],"a":"x\u00e9\n\"\/"}"#,
            #"{"\u20ac":1,"\r":2,"\ufb33":3,"1":4,"\ud83d\ude00":5,"\u0080":6,"\u00f6":7}"#,
            #"[9007199254740991,-9007199254740991,0,"\b\f\u0000\u001f"]"#,
            String(repeating: "[", count: 64) + String(repeating: "]", count: 64),
        ]
        return envelopes.map(\.payload)
            + [RegistryProbe.federation.charter.payloadBytes(), KeyFile.privateFile(party: "lab-a", key: key).encoded(),
               KeyFile.privateFile(party: "lab-a", key: key).publicFile.encoded()]
            + documents.map { Array($0.utf8) }
    }
}

let target = FuzzTarget(name: "fuzz-json", check: FuzzJSON.check, seeds: FuzzJSON.seeds)

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
