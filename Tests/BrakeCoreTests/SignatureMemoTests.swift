@testable import BrakeCore
import Testing

/// A node verifies each signature once: a memo of verified signatures lets admission and apply skip
/// Ed25519, and can only skip work, never change an answer.
@Suite("Signature memo")
struct SignatureMemoTests {
    @Test func aMemoFromVerificationGivesTheSameOutcomeAndRows() throws {
        var plain = Harness(), memoized = Harness()
        let motion = plain.motion()
        _ = memoized.motion()  // the same nonce sequence
        let envelope = sign(motion, "lab-a", "lab-b")
        let memo = try SignatureMemo.verifying(envelope, under: dev.charter)
        #expect(memo.count == 2)
        let data = LogRecord(time: t0, envelope: envelope).encoded()
        let without = plain.registry.apply(index: 1, data: data)
        let with = memoized.registry.apply(index: 1, data: data, memo: memo)
        #expect(with == without)
        #expect(memoized.registry.snapshot() == plain.registry.snapshot())
        // Both registries judge the next submission alike (here: the scope is already paused).
        let next = sign(plain.motion(), "lab-a")
        let judged = plain.registry.admit(next, at: t0).map(\.id)
        #expect(judged == memoized.registry.admit(next, at: t0).map(\.id))
        #expect((try? judged.get()) == nil)
    }

    /// The memo is really consulted: a signature it lists is not verified again. (A memo is only
    /// ever built by verifying; this one is forged inside the module to show the skip.)
    @Test func applySkipsEd25519ForSignaturesTheMemoHolds() throws {
        var h = Harness()
        var envelope = sign(h.motion(), "lab-a")
        envelope.signatures[0].sig = [UInt8](repeating: 7, count: 64)  // does not verify
        let key = devKey("lab-a").publicKey
        let forged = SignatureMemo(verified: [SignatureMemo.entry(key, envelope.signatures[0].sig, SignatureMemo.messageDigest(envelope.pae))])
        let data = LogRecord(time: t0, envelope: envelope).encoded()
        var checked = h.registry
        guard case .rejected(let error) = checked.apply(index: 1, data: data).outcome else {
            Issue.record("a bad signature must be rejected without a memo")
            return
        }
        #expect(error.code == .badSignature || error.code == .unknownKey)
        guard case .accepted = h.registry.apply(index: 1, data: data, memo: forged).outcome else {
            Issue.record("the memo's signature was verified again")
            return
        }
    }

    @Test func aMemoDoesNotCarryOverToAnotherMessage() throws {
        var h = Harness()
        let signed = sign(h.motion(), "lab-a")
        let memo = try SignatureMemo.verifying(signed, under: dev.charter)
        // The same signature bytes on another motion's payload: the memo knows (key, sig, digest of
        // the first message) only, so the second is verified and refused.
        var other = sign(h.motion(), "lab-a")
        other.signatures = signed.signatures
        let result = h.registry.apply(index: 1, data: LogRecord(time: t0, envelope: other).encoded(), memo: memo)
        guard case .rejected(let error) = result.outcome else {
            Issue.record("a signature over another payload was accepted through the memo")
            return
        }
        #expect(error.code == .badSignature)
    }

    @Test func refusalsBeforeSignaturesKeepTheirCodeAndAnUnverifiableEnvelopeIsRefused() throws {
        var h = Harness()
        var unsigned = sign(h.motion())
        unsigned.signatures = []
        #expect(try SignatureMemo.verifying(unsigned, under: dev.charter).isEmpty)
        var flood = sign(h.motion(), "lab-a")
        flood.signatures = Array(repeating: flood.signatures[0], count: 50)
        #expect(throws: BrakeError.self) { try SignatureMemo.verifying(flood, under: dev.charter) }
    }
}
