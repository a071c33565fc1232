import BrakeCore
import Foundation
import Testing

/// A declaration's id is the hash of its payload bytes, so a payload must have one spelling: its
/// canonical encoding. Otherwise one motion could be opened under several ids, its signatures split.
@Suite("Canonical payloads")
struct CanonicalPayloadTests {
    static let motionText = String(decoding: DeclarationTests.motion.payloadBytes(), as: UTF8.self)
    static let attestationText = String(decoding: DeclarationTests.attestation.payloadBytes(), as: UTF8.self)

    /// Respellings that parse to the same motion.
    @Test(arguments: [
        (#""kind":"trigger""#, #""kind" : "trigger""#),
        (#"{"created""#, #" {"created""#),
        (#""scope":"training"}"#, #""scope":"training"}"# + "\n"),
        (#""reason":"eval"#, #""reason":"\u0065val"#),
        (#""kind":"trigger","#, ""),
    ])
    func respelledMotionIsRefused(find: String, replace: String) throws {
        var text = Self.motionText
        #expect(text.contains(find))
        text = text.replacingOccurrences(of: find, with: replace)
        if replace.isEmpty { text = text.replacingOccurrences(of: "{", with: #"{"kind":"trigger","#) }  // key order
        #expect(text != Self.motionText)
        let error = brakeError { () throws(BrakeError) in try Motion.parse(payload: utf8(text)) }
        #expect(error?.code == .malformedJSON, "\(text)")
        #expect(error?.message.contains("canonical JSON") == true, "\(String(describing: error))")
    }

    @Test func respelledAttestationIsRefused() throws {
        let text = Self.attestationText.replacingOccurrences(of: ",", with: ", ")
        let error = brakeError { () throws(BrakeError) in try Attestation.parse(payload: utf8(text)) }
        #expect(error?.code == .malformedJSON)
        #expect(error?.message.contains("canonical JSON") == true)
        #expect(try Attestation.parse(payload: DeclarationTests.attestation.payloadBytes()) == DeclarationTests.attestation)
    }

    /// The registry cannot be made to hold the same motion twice under two ids.
    @Test func sameMotionCannotOpenTwice() throws {
        var h = Harness()
        let m = h.motion()
        let accepted = h.accept(sign(m, "lab-a"))
        let first = try #require(accepted)
        let spaced = String(decoding: m.payloadBytes(), as: UTF8.self).replacingOccurrences(of: ",", with: ", ")
        let respelled = Envelope(payloadType: Motion.payloadType, payload: utf8(spaced)).signed(with: devKey("lab-b"))
        #expect(h.registry.admit(respelled, at: t0).failure?.code == .malformedJSON)
        let result = h.submit(respelled)
        guard case .rejected(let error) = result.outcome else {
            Issue.record("a respelled motion was accepted: \(result.outcome)")
            return
        }
        #expect(error.code == .malformedJSON)
        #expect(h.registry.motions.map(\.id) == [first.id])
    }
}
