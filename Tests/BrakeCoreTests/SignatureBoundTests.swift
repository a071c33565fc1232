@testable import BrakeCore
import Testing

/// The work an envelope can cause is bounded by the charter, not by the envelope: at most one
/// signature per charter key, refused before any signature is verified.
@Suite("Bounded signature work")
struct SignatureBoundTests {
    /// Verifies `envelope` against the dev charter, counting the Ed25519 verifications asked for.
    static func verify(_ envelope: Envelope) -> (result: Result<[VerifiedSignature], BrakeError>, calls: Int) {
        var calls = 0
        do {
            let verified = try dev.charter.verifiedSignatures(of: envelope) { key, sig, pae in
                calls += 1
                return key.isValidSignature(sig, for: pae)
            }
            return (.success(verified), calls)
        } catch {
            return (.failure(error), calls)
        }
    }

    /// A fresh motion of the dev federation.
    static func motion() -> Motion {
        var h = Harness()
        return h.motion()
    }

    static func code(_ result: Result<[VerifiedSignature], BrakeError>) -> BrakeError.Code? {
        if case .failure(let error) = result { return error.code }
        return nil
    }

    /// The reproduction of issue 7: one valid signature, without keyid, repeated thousands of times.
    @Test func aFloodOfOneSignatureIsRefusedBeforeAnyVerification() {
        let one = sign(Self.motion(), "lab-a")
        var flood = one
        flood.signatures = Array(repeating: EnvelopeSignature(keyID: nil, sig: one.signatures[0].sig), count: 2_600)
        let (result, calls) = Self.verify(flood)
        #expect(Self.code(result) == .tooManySignatures)
        #expect(calls == 0)
    }

    /// Within the count, a repeated signature or a second hint naming the same key is refused unverified.
    @Test func repeatsWithinTheCountAreRefusedBeforeAnyVerification() {
        let one = sign(Self.motion(), "lab-a")
        var twice = one
        twice.signatures.append(EnvelopeSignature(keyID: nil, sig: one.signatures[0].sig))
        let repeated = Self.verify(twice)
        #expect(Self.code(repeated.result) == .duplicateSignature && repeated.calls == 0)

        var hintedTwice = one
        hintedTwice.signatures.append(EnvelopeSignature(keyID: devKey("lab-a").publicKey.keyID, sig: [UInt8](repeating: 7, count: 64)))
        let rehinted = Self.verify(hintedTwice)
        #expect(Self.code(rehinted.result) == .duplicateSignature && rehinted.calls == 0)
    }

    /// Each key verifies at most one signature: a second, different signature that only an already
    /// matched key accepts is `duplicate_signature` (Ed25519 signatures by one key can differ if the
    /// signer draws its nonce at random), and no key is tried twice for the same signature.
    @Test func aKeyMatchesOneSignatureOnly() {
        let labA = devKey("lab-a").publicKey
        let envelope = Envelope(payloadType: Motion.payloadType, payload: utf8("x"), signatures: [
            EnvelopeSignature(keyID: nil, sig: [UInt8](repeating: 1, count: 64)),
            EnvelopeSignature(keyID: nil, sig: [UInt8](repeating: 2, count: 64)),
        ])
        var calls: [(PublicKey, [UInt8])] = []
        let error = brakeError { () throws(BrakeError) in
            try dev.charter.verifiedSignatures(of: envelope) { key, sig, _ in
                calls.append((key, sig))
                return key == labA  // lab-a's key "accepts" anything
            }
        }
        #expect(error?.code == .duplicateSignature)
        #expect(error?.message.contains("lab-a") == true)
        // First signature: lab-a at once. Second: lab-b and gov-a (lab-a is taken), then lab-a to name it.
        #expect(calls.map(\.0) == [labA, devKey("lab-b").publicKey, devKey("gov-a").publicKey, labA])
    }

    /// A valid envelope costs one verification per signature when the hints are right, and never more
    /// than the charter's key count per signature.
    @Test func verificationsAreBoundedByTheCharter() throws {
        let motion = Self.motion()
        let hinted = Self.verify(sign(motion, "lab-a", "lab-b", "gov-a"))
        #expect(try hinted.result.get().map { $0.party } == ["lab-a", "lab-b", "gov-a"])
        #expect(hinted.calls == 3)

        var unhinted = sign(motion, "gov-a", "lab-b", "lab-a")
        for i in unhinted.signatures.indices { unhinted.signatures[i].keyID = nil }
        let searched = Self.verify(unhinted)
        #expect(try searched.result.get().map { $0.party } == ["gov-a", "lab-b", "lab-a"])
        // gov-a is found third, lab-b second among the two left, lab-a first of one.
        #expect(searched.calls == 3 + 2 + 1)
    }

    /// Admission and apply both refuse the flood with the same code, and apply changes nothing.
    @Test func admissionAndApplyRefuseTheFlood() {
        var h = Harness()
        let one = sign(h.motion(), "lab-a")
        var flood = one
        flood.signatures = Array(repeating: one.signatures[0], count: 4)
        guard case .failure(let refused) = h.registry.admit(flood, at: t0) else {
            Issue.record("admitted")
            return
        }
        #expect(refused.code == .tooManySignatures)
        let before = recordRows(h.registry)
        let result = h.submit(flood)
        guard case .rejected(let error) = result.outcome else {
            Issue.record("applied: \(result.outcome)")
            return
        }
        #expect(error.code == .tooManySignatures)
        #expect(recordRows(h.registry) == before)
    }
}
