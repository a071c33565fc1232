import BrakeCore
import Testing

@Suite("Charter amendments")
struct AmendmentTests {
    /// The dev charter's amend policy needs all three parties: two signatures leave the charter as it
    /// was; the third makes the next charter current from the entry after the one where it passes.
    @Test func fewerPartiesThanThePolicyHaveNoEffect() throws {
        var h = Harness()
        let genesis = h.registry.charter
        let next = addingLabC(to: genesis)
        let amendment = h.amendment(to: next)
        let envelope = amendment.unsignedEnvelope()
        let opened = h.submit(signed(envelope, devKey("lab-a"), extraKey(1)))
        let cosigned = h.submit(signed(envelope, devKey("lab-b")))
        #expect(!opened.charterChanged && !cosigned.charterChanged)
        #expect(h.registry.charter == genesis && h.registry.charterHistory.count == 1)
        #expect(h.registry.amendment(id: motionID(payload: envelope.payload))?.state == .open)
        // lab-c's own key signed, but lab-c is no party yet: its signature does not count.
        let motion = h.motion(proposer: "lab-c")
        h.refuse(sign(motion, "lab-a").signed(with: extraKey(1)), .unknownKey)

        let passed = h.submit(signed(envelope, devKey("gov-a")))
        let id = motionID(payload: envelope.payload)
        #expect(passed.charterChanged)
        guard case .accepted(let receipt) = passed.outcome else { Issue.record("\(passed.outcome)"); return }
        #expect(receipt.kind == "amendment" && receipt.state == "passed")
        #expect(passed.events.suffix(2) == [.motionPassed(id: id, index: 4), .charterAmended(cause: id, charterID: next.id, index: 4)])
        #expect(passed.changed.contains(.charterEpoch(4)) && passed.changed.contains(.amendment(id)))
        #expect(h.registry.charter == next)
        #expect(h.registry.charterHistory == [
            CharterEpoch(index: 0, charter: genesis, cause: nil), CharterEpoch(index: 4, charter: next, cause: id),
        ])
        #expect(h.registry.charter(at: 4) == genesis && h.registry.charter(at: 5) == next && h.registry.charter(at: 1) == genesis)
        // From the next entry on, lab-c is a party and its signature counts toward a trigger.
        let receiptC = h.accept(sign(h.motion(proposer: "lab-c"), "lab-a").signed(with: extraKey(1)))
        #expect(receiptC?.state == "passed" && receiptC?.signers == ["lab-a", "lab-c"])
    }

    /// lab-a cannot give lab-b a key (even one lab-a holds and proves): lab-b must sign itself.
    @Test func aPartyCannotAddAKeyForAnother() throws {
        var h = Harness(charter: amendableCharter())
        var next = h.registry.charter
        next.parties[1].keys.append(extraKey(2).publicKey)
        let envelope = h.amendment(to: next).unsignedEnvelope()
        h.accept(signed(envelope, devKey("lab-a"), extraKey(2)))
        let message = h.refuse(signed(envelope, devKey("gov-a")), .unauthorizedKeyChange)
        #expect(message.contains("\"lab-b\""))
        #expect(h.registry.charter.party(id: "lab-b")?.keys.count == 1)
        // With lab-b's own signature the change is lab-b's, and it passes.
        let receipt = h.accept(signed(envelope, devKey("lab-b")))
        #expect(receipt?.state == "passed" && h.registry.charter == next)
    }

    /// Every key the next charter adds must sign the amendment (proof of possession).
    @Test func aNewKeyMustSign() throws {
        var h = Harness(charter: amendableCharter())
        var next = h.registry.charter
        next.parties[2].keys.append(extraKey(3).publicKey)
        let envelope = h.amendment(to: next, proposer: "gov-a").unsignedEnvelope()
        h.accept(signed(envelope, devKey("gov-a")))
        let message = h.refuse(signed(envelope, devKey("lab-b")), .unprovenKey)
        #expect(message.contains(extraKey(3).publicKey.keyID))
        #expect(h.accept(signed(envelope, extraKey(3), devKey("lab-b")))?.state == "passed")
    }

    /// Removing the only government would leave the lift policy unmeetable: refused, naming it.
    @Test func anUnsatisfiablePolicyIsRefusedWithItsReason() throws {
        var h = Harness(charter: amendableCharter())
        var next = h.registry.charter
        next.parties.removeAll { $0.id == "gov-a" }
        let message = h.refuse(signed(h.amendment(to: next).unsignedEnvelope(), devKey("lab-a"), devKey("lab-b")), .unsatisfiablePolicy)
        #expect(message.contains("lift policy") && message.contains("government"), "\(message)")
        #expect(h.registry.amendments.isEmpty)
    }

    /// Other rules on the next charter: same federation, a real change, valid, no key moved or
    /// revived, and written for the charter in force.
    @Test func theNextCharterMustBeAValidChange() throws {
        var h = Harness(charter: amendableCharter())
        let current = h.registry.charter
        var renamed = current
        renamed.federation = "other"
        h.refuse(signed(h.amendment(to: renamed).unsignedEnvelope(), devKey("lab-a")), .invalidAmendment)
        h.refuse(signed(h.amendment(to: current).unsignedEnvelope(), devKey("lab-a")), .invalidAmendment)
        var orphanNode = current
        orphanNode.nodes[0].party = "nobody"
        h.refuse(signed(h.amendment(to: orphanNode).unsignedEnvelope(), devKey("lab-a")), .invalidAmendment)
        var moved = current
        let key = moved.parties[0].keys.removeLast()
        moved.parties[1].keys.append(key)
        h.refuse(signed(h.amendment(to: moved).unsignedEnvelope(), devKey("lab-a")), .invalidAmendment)
        let stale = h.amendment(to: addingLabC(to: current), amends: dev.charter.id)
        h.refuse(signed(stale.unsignedEnvelope(), devKey("lab-a"), extraKey(1)), .staleAmendment)
        // Proposer rules, as for a motion.
        let unsignedByProposer = h.amendment(to: addingLabC(to: current), proposer: "lab-b")
        h.refuse(signed(unsignedByProposer.unsignedEnvelope(), devKey("lab-a")), .proposerNotSigned)
        let tooLong = h.amendment(to: addingLabC(to: current), lifetime: 8 * 24 * hour)
        h.refuse(signed(tooLong.unsignedEnvelope(), devKey("lab-a")), .invalidAmendment)
    }

    /// When an amendment passes, the other open ones are superseded; one written for the old charter
    /// is stale from then on.
    @Test func passingSupersedesOtherAmendments() throws {
        var h = Harness(charter: amendableCharter())
        let current = h.registry.charter
        let first = h.amendment(to: addingLabC(to: current)).unsignedEnvelope()
        var longer = current
        longer.motionLifetimeSeconds = 14 * 86_400
        let second = h.amendment(to: longer, proposer: "lab-b").unsignedEnvelope()
        h.accept(signed(second, devKey("lab-b")))
        h.accept(signed(first, devKey("lab-a"), extraKey(1)))
        let passed = h.submit(signed(first, devKey("gov-a")))
        let secondID = motionID(payload: second.payload)
        #expect(passed.events.last == .motionSuperseded(id: secondID, index: 3))
        #expect(h.registry.amendment(id: secondID)?.state == .superseded)
        h.refuse(signed(second, devKey("gov-a")), .motionClosed)
        let late = h.amendment(to: longer, amends: current.id)
        h.refuse(signed(late.unsignedEnvelope(), devKey("lab-b")), .staleAmendment)
    }

    /// An open amendment expires like a motion.
    @Test func anOpenAmendmentExpires() throws {
        var h = Harness(charter: amendableCharter())
        let envelope = h.amendment(to: addingLabC(to: h.registry.charter), lifetime: hour).unsignedEnvelope()
        h.accept(signed(envelope, devKey("lab-a"), extraKey(1)))
        let id = motionID(payload: envelope.payload)
        let result = h.noop()
        #expect(!result.events.contains(.motionExpired(id: id, index: 2)))
        let late = h.submit(signed(envelope, devKey("lab-b")), at: t0 + hour)
        #expect(late.events == [.motionExpired(id: id, index: 3)])
        guard case .rejected(let error) = late.outcome else { Issue.record("\(late.outcome)"); return }
        #expect(error.code == .motionExpired)
        #expect(h.registry.amendment(id: id)?.state == .expired)
        #expect(h.registry.charterHistory.count == 1)
    }

    /// The new events round-trip through their JSON form.
    @Test func charterEventsRoundTrip() throws {
        let events: [RegistryEvent] = [
            .charterAmended(cause: String(repeating: "a", count: 64), charterID: String(repeating: "b", count: 64), index: 7),
            .keyRevoked(party: "lab-a", keyID: "k1", index: 7),
        ]
        for event in events { #expect(try RegistryEvent(jsonBytes: event.jsonBytes()) == event) }
        #expect(String(decoding: events[1].jsonBytes(), as: UTF8.self) == #"{"index":7,"keyid":"k1","party":"lab-a","type":"key_revoked"}"#)
    }
}
