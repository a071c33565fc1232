import BrakeCore
import Foundation
import Testing

@Suite("Scopes and declarations")
struct DeclarationTests {
    @Test(arguments: ["training", "training/frontier", "a.b_c-d/0", "x"])
    func validScopes(text: String) throws {
        #expect(try Scope(text).path == text)
    }

    @Test(arguments: ["", "/training", "training/", "training//x", "Training", "train ing", "tr\u{e4}ining", String(repeating: "a", count: 257)])
    func invalidScopes(text: String) {
        #expect(brakeError { () throws(BrakeError) in try Scope(text) }?.code == .invalidScope)
    }

    @Test(arguments: [
        ("training", "training", true), ("training", "training/frontier", true), ("training", "trainingx", false),
        ("training/frontier", "training", false), ("training", "inference", false), ("a/b", "a/b/c/d", true),
    ])
    func covers(pause: String, asked: String, covered: Bool) throws {
        #expect(try Scope(pause).covers(Scope(asked)) == covered)
    }

    static let motion = Motion(
        federation: "brake-dev", kind: .trigger, scope: try! Scope("training"), reason: "eval \"x\" failed",
        proposer: "lab-a", created: 1_795_946_400_000, expires: 1_796_032_800_000, nonce: "00112233445566778899aabbccddeeff")

    @Test func motionPayloadIsCanonicalAndRoundTrips() throws {
        let text = String(decoding: Self.motion.payloadBytes(), as: UTF8.self)
        #expect(text == #"{"created":"2026-11-29T10:00:00Z","expires":"2026-11-30T10:00:00Z","federation":"brake-dev","kind":"trigger","nonce":"00112233445566778899aabbccddeeff","pause":null,"proposer":"lab-a","reason":"eval \"x\" failed","scope":"training"}"#)
        #expect(try Motion.parse(payload: Self.motion.payloadBytes()) == Self.motion)
        #expect(motionID(payload: Self.motion.payloadBytes()).count == 64)
        // Codable uses the same form.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(try JSONDecoder().decode(Motion.self, from: encoder.encode(Self.motion)) == Self.motion)
    }

    /// Each mutation of a valid payload and the error it must give.
    @Test(arguments: [
        (#""scope":"training""#, #""scope":"training","extra":1"#, "malformed_json"),
        (#""pause":null,"#, "", "malformed_json"),
        (#""kind":"trigger""#, #""kind":"halt""#, "invalid_motion"),
        (#""pause":null"#, #""pause":"abc""#, "invalid_motion"),
        (#""kind":"trigger""#, #""kind":"lift""#, "invalid_motion"),
        (#""scope":"training""#, #""scope":"Training""#, "invalid_scope"),
        (#""created":"2026-11-29T10:00:00Z""#, #""created":"2026-11-29T10:00:00.000Z""#, "invalid_time"),
        (#""created":"2026-11-29T10:00:00Z""#, #""created":"2026-12-29T10:00:00Z""#, "invalid_motion"),
        (#""nonce":"00112233445566778899aabbccddeeff""#, #""nonce":"0011""#, "invalid_motion"),
        (#""nonce":"00112233445566778899aabbccddeeff""#, #""nonce":"00112233445566778899AABBCCDDEEFF""#, "invalid_motion"),
        (#""proposer":"lab-a""#, #""proposer":7"#, "malformed_json"),
    ])
    func motionParseErrors(find: String, replace: String, code: String) {
        let text = String(decoding: Self.motion.payloadBytes(), as: UTF8.self)
        #expect(text.contains(find))
        let bad = text.replacingOccurrences(of: find, with: replace)
        #expect(brakeError { () throws(BrakeError) in try Motion.parse(payload: utf8(bad)) }?.code.rawValue == code)
    }

    static let attestation = Attestation(
        federation: "brake-dev", pause: String(repeating: "ab", count: 32), party: "lab-a", period: "2026-11-29",
        claims: ["no-training-above-threshold"], evidence: ["sha256:" + String(repeating: "0f", count: 32)],
        created: 1_795_946_400_000)

    @Test func attestationRoundTrip() throws {
        #expect(try Attestation.parse(payload: Self.attestation.payloadBytes()) == Self.attestation)
        let envelope = Self.attestation.unsignedEnvelope()
        guard case .attestation(let parsed) = try Declaration.parse(envelope) else {
            Issue.record("not an attestation")
            return
        }
        #expect(parsed == Self.attestation)
    }

    @Test(arguments: [
        (["c"], ["sha256:" + String(repeating: "0F", count: 32)], "2026-11-29", "invalid_attestation"),
        (["c"], ["md5:00"], "2026-11-29", "invalid_attestation"),
        ([], [], "2026-11-29", "invalid_attestation"),
        ([""], [], "2026-11-29", "invalid_attestation"),
        (["c"], [], "", "invalid_attestation"),
        (["c"], [], "2026/11", "invalid_attestation"),
    ])
    func attestationFieldRules(claims: [String], evidence: [String], period: String, code: String) {
        var a = Self.attestation
        a.claims = claims
        a.evidence = evidence
        a.period = period
        #expect(brakeError { () throws(BrakeError) in try Attestation.parse(payload: a.payloadBytes()) }?.code.rawValue == code)
    }

    @Test func logRecordRoundTrip() throws {
        let envelope = Self.motion.unsignedEnvelope().signed(with: try SigningKey(seed: seed(1)))
        let record = LogRecord(time: 1_795_946_400_123, envelope: envelope)
        #expect(try LogRecord(decoding: record.encoded()) == record)
        #expect(brakeError { () throws(BrakeError) in try LogRecord(decoding: utf8(#"{"time":1}"#)) }?.code == .malformedJSON)
        #expect(brakeError { () throws(BrakeError) in try LogRecord(decoding: utf8("x")) }?.code == .malformedJSON)
    }

    @Test func otherPayloadTypesAreRejected() {
        let envelope = Envelope(payloadType: "application/json", payload: Self.motion.payloadBytes())
        #expect(brakeError { () throws(BrakeError) in try Declaration.parse(envelope) }?.code == .wrongPayloadType)
    }
}
