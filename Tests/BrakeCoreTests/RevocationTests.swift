import BrakeCore
import Testing

@Suite("Key revocation")
struct RevocationTests {
    /// lab-a holds its dev key and `extraKey(0)`; it revokes the extra key alone, in an emergency.
    /// Afterwards a signature by that key is `revoked_key`; the signatures it made before stay in
    /// history, a pause they helped pass stays in force, and an open motion counts them no more.
    @Test func aRevokedKeySignsNothingNewButHistoryStays() throws {
        var h = Harness(charter: amendableCharter())
        let leaked = extraKey(0)
        let before = h.registry.charter
        // Entry 1: a trigger passed with lab-a's signature by the soon-revoked key.
        let passedEarlier = h.motion(.trigger, "training")
        h.accept(sign(passedEarlier, "lab-b").signed(with: leaked))
        let pauseID = motionID(payload: passedEarlier.payloadBytes())
        // Entry 2: a motion left open with only that signature of lab-a's.
        let open = h.motion(.trigger, "inference")
        h.accept(open.unsignedEnvelope().signed(with: leaked))

        // Entry 3: the revocation, signed by lab-a alone with the key it keeps.
        let revocation = h.revocation(of: [leaked.publicKey])
        let result = h.submit(revocation.unsignedEnvelope().signed(with: devKey("lab-a")))
        let id = motionID(payload: revocation.payloadBytes())
        #expect(result.charterChanged)
        #expect(result.events == [
            .charterAmended(cause: id, charterID: h.registry.charter.id, index: 3),
            .keyRevoked(party: "lab-a", keyID: leaked.publicKey.keyID, index: 3),
        ])
        #expect(h.registry.charter.party(id: "lab-a")?.keys == [devKey("lab-a").publicKey])
        #expect(h.registry.charter(at: 3) == before && h.registry.charterHistory.last?.cause == id)
        #expect(h.registry.isRevoked(keyID: leaked.publicKey.keyID))

        // A new motion signed with the revoked key is refused with the new code.
        let message = h.refuse(sign(h.motion(.trigger, "research"), "lab-b").signed(with: leaked), .revokedKey)
        #expect(message.contains(leaked.publicKey.keyID) && message.contains("entry 3"))
        // History keeps the old signature, and the pause it helped pass is still in force.
        #expect(h.registry.motion(id: pauseID)?.signers.map(\.keyID).contains(leaked.publicKey.keyID) == true)
        #expect(h.registry.pause(id: pauseID)?.isInForce(at: t0) == true)
        // The open motion is judged by the new charter at its next signature: lab-b's signature makes
        // two parties on record, but lab-a's counts no more, so it stays open…
        let openID = motionID(payload: open.payloadBytes())
        #expect(h.accept(sign(open, "lab-b"))?.state == "open")
        // …until lab-a signs again with a key it holds.
        #expect(h.accept(sign(open, "lab-a"))?.state == "passed")
        #expect(h.registry.pause(id: openID)?.signers == ["lab-a", "lab-b"])
    }

    /// A revocation signed only with the key it revokes, by another party, or leaving no key, and a
    /// second revocation of the same key, are refused.
    @Test func revocationRules() throws {
        var h = Harness(charter: amendableCharter())
        let leaked = extraKey(0)
        let revocation = h.revocation(of: [leaked.publicKey])
        h.refuse(revocation.unsignedEnvelope().signed(with: leaked), .invalidRevocation)
        h.refuse(revocation.unsignedEnvelope().signed(with: devKey("lab-b")), .invalidRevocation)
        let all = h.revocation(of: [devKey("lab-a").publicKey, leaked.publicKey])
        h.refuse(all.unsignedEnvelope().signed(with: devKey("lab-a")), .invalidRevocation)
        let notItsKey = h.revocation(of: [devKey("lab-b").publicKey])
        h.refuse(notItsKey.unsignedEnvelope().signed(with: devKey("lab-a")), .invalidRevocation)
        h.accept(revocation.unsignedEnvelope().signed(with: devKey("lab-a")))
        let again = h.revocation(of: [leaked.publicKey])
        let message = h.refuse(again.unsignedEnvelope().signed(with: devKey("lab-a")), .invalidRevocation)
        #expect(message.contains("already revoked"))
        // A revoked key never returns by amendment either.
        var revived = h.registry.charter
        revived.parties[0].keys.append(leaked.publicKey)
        let amendment = h.amendment(to: revived)
        let why = h.refuse(signed(amendment.unsignedEnvelope(), devKey("lab-a"), leaked), .invalidAmendment)
        #expect(why.contains("never returns"))
    }

    /// An amendment that removes a party revokes its keys: its signatures count no more.
    @Test func removingAPartyRevokesItsKeys() throws {
        var h = Harness(charter: amendableCharter())
        var next = h.registry.charter
        next.parties.removeAll { $0.id == "lab-b" }
        let envelope = h.amendment(to: next).unsignedEnvelope()
        let result = h.submit(signed(envelope, devKey("lab-a"), devKey("gov-a")))
        #expect(result.charterChanged)
        #expect(result.events.contains(.keyRevoked(party: "lab-b", keyID: devKey("lab-b").publicKey.keyID, index: 1)))
        h.refuse(sign(h.motion(.trigger, "training", proposer: "lab-b"), "lab-b"), .revokedKey)
    }
}
