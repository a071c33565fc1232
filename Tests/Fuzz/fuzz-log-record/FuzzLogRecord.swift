import BrakeCore
import BrakeFuzz

/// The log record decoder (what a Raft entry's data holds) and the registry's apply, on arbitrary
/// entry data. Properties: nothing traps; a decoded record re-encodes to bytes that decode to it and
/// encode the same again; the stamp read from the end of a canonical record (`LogRecord.stamp(of:)`,
/// which leaders use without parsing) equals its time; applied as the next entry, the data keeps every
/// property of `RegistryProbe.checkApply`.
enum FuzzLogRecord {
    static func check(_ input: [UInt8]) {
        let stamp = LogRecord.stamp(of: input)
        if let record = try? LogRecord(decoding: input) {
            let bytes = record.encoded()
            let again = try? LogRecord(decoding: bytes)
            FuzzProperty.require(again == record && again?.encoded() == bytes, "a log record does not round-trip")
            FuzzProperty.require(LogRecord.stamp(of: bytes) == record.time, "the stamp of a canonical record is not its time")
            if bytes == input {
                FuzzProperty.require(stamp == record.time, "the stamp of the input is not its time")
            }
        }
        RegistryProbe.checkApply(input)
    }

    static func seeds() -> [[UInt8]] {
        let envelopes = RegistryProbe.validEnvelopes + RegistryProbe.refusedEnvelopes
        return envelopes.enumerated().map { n, envelope in
            LogRecord(time: RegistryProbe.time + Millis(n) * 3_600_000, envelope: envelope).encoded()
        } + [
            LogRecord(time: RegistryProbe.time + 2 * 86_400_000, envelope: envelopes[0]).encoded(),
            LogRecord(time: -1, envelope: envelopes[1]).encoded(),
            [],
        ]
    }
}

let target = FuzzTarget(name: "fuzz-log-record", check: FuzzLogRecord.check, seeds: FuzzLogRecord.seeds)

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
