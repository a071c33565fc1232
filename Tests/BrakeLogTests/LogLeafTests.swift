import BrakeCore
import BrakeLog
import Testing

/// The leaf bytes of Specs/log.md: layout, a known answer computed independently (Python's hashlib
/// over the bytes the spec describes), the round trip, and what a verifier refuses.
@Suite("Log leaves")
struct LogLeafTests {
    static let envelope = Envelope(
        payloadType: "application/vnd.brake.motion.v1+json", payload: Array("{}".utf8),
        signatures: [EnvelopeSignature(keyID: "k1", sig: [1, 2, 3])])
    static let canonicalEnvelope =
        #"{"payload":"e30=","payloadType":"application/vnd.brake.motion.v1+json","signatures":[{"keyid":"k1","sig":"AQID"}]}"#

    @Test func leafBytesAreFormatIndexTimeAndCanonicalEnvelope() {
        let leaf = LogLeaf(entryIndex: 7, record: LogRecord(time: 1_700_000_000_123, envelope: Self.envelope))
        let bytes = leaf.bytes
        #expect(hexString(Array(bytes.prefix(17))) == "0100000000000000070000018bcfe5687b")
        #expect(String(decoding: bytes.dropFirst(17), as: UTF8.self) == Self.canonicalEnvelope)
        #expect(Array(bytes.dropFirst(17)) == Self.envelope.jsonBytes())
        // sha256(0x00 || leaf) by Python's hashlib over the same bytes.
        #expect(leaf.hash.hex == "809467839413a67024fb0cda7b324b0661bc70ebe83ad01f3e2a72404eb06585")
        let early = LogLeaf(entryIndex: 8, time: -1, envelope: Self.envelope)
        #expect(early.hash.hex == "f21a42cafa5a11ba7642fb9c3450a9228cec17c0b7e12eb0e1157b74397d2b59")
    }

    @Test func leavesComeFromCommittedEntryData() throws {
        let record = LogRecord(time: 1_700_000_000_123, envelope: Self.envelope)
        let leaf = try #require(LogLeaf(entryIndex: 7, entryData: record.encoded()))
        #expect(leaf == LogLeaf(entryIndex: 7, record: record))
        #expect(LogLeaf(entryIndex: 9, entryData: []) == nil, "a no-op has no leaf")
        #expect(LogLeaf(entryIndex: 9, entryData: Array("{\"time\":1}".utf8)) == nil, "undecodable data has no leaf")
    }

    @Test func leafBytesRoundTrip() throws {
        for (index, time) in [(1, 0), (7, 1_700_000_000_123), (UInt64.max, Int64.min), (1 << 40, Int64.max)] as [(UInt64, Int64)] {
            let leaf = LogLeaf(entryIndex: index, time: time, envelope: Self.envelope)
            #expect(try LogLeaf(bytes: leaf.bytes) == leaf, "index \(index) time \(time)")
        }
    }

    @Test func malformedLeafBytesAreRefused() {
        let good = LogLeaf(entryIndex: 7, time: 5, envelope: Self.envelope).bytes
        var otherFormat = good
        otherFormat[0] = 0x02
        let nonCanonical = Array(good.prefix(17)) + Array(
            #"{"payloadType":"application/vnd.brake.motion.v1+json","payload":"e30=","signatures":[{"keyid":"k1","sig":"AQID"}]}"#.utf8)
        let cases: [(String, [UInt8])] = [
            ("empty", []),
            ("header only", Array(good.prefix(17))),
            ("format byte 0x02", otherFormat),
            ("envelope keys out of order", nonCanonical),
            ("envelope not JSON", Array(good.prefix(17)) + Array("nope".utf8)),
            ("envelope truncated", Array(good.dropLast())),
        ]
        for (what, bytes) in cases {
            let error = logError { () throws(LogError) in _ = try LogLeaf(bytes: bytes) }
            #expect(error?.code == .invalidLeaf, "\(what): \(String(describing: error))")
        }
    }
}
