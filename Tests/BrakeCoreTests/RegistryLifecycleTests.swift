import BrakeCore
import Foundation
import Testing

@Suite("Registry lifecycle")
struct RegistryLifecycleTests {
    @Test func motionsExpireAtTheFirstEntryPastExpiry() throws {
        var h = Harness()
        let m = h.motion(lifetime: hour)
        let id = try #require(h.accept(sign(m, "lab-a"))?.id)
        // Lazily expired for readers before any entry records it.
        #expect(h.registry.motion(id: id)?.state(at: t0 + hour) == .expired)
        #expect(h.registry.motion(id: id)?.state == .open)
        // A no-op carries no time, so it expires nothing.
        #expect(h.noop().events.isEmpty)
        // The next entry stamped at or past expiry records it, before its own declaration.
        let other = h.motion(.trigger, "inference", created: t0 + hour)
        let result = h.submit(sign(other, "lab-a"), at: t0 + hour)
        #expect(result.events.first == .motionExpired(id: id, index: 3))
        #expect(result.changed.contains(.motion(id)))
        let record = try #require(h.registry.motion(id: id))
        #expect(record.state == .expired && record.closedAt == 3)
    }

    @Test func passingTriggerSupersedesOtherTriggersOfTheSameScope() throws {
        var h = Harness()
        let first = try #require(h.accept(sign(h.motion(.trigger, "training"), "lab-a"))?.id)
        let sibling = try #require(h.accept(sign(h.motion(.trigger, "training/frontier", proposer: "lab-b"), "lab-b"))?.id)
        let second = h.motion(.trigger, "training", proposer: "gov-a")
        let result = h.submit(sign(second, "gov-a", "lab-b"))
        guard case .accepted(let receipt) = result.outcome else { Issue.record("\(result.outcome)"); return }
        #expect(receipt.state == "passed")
        #expect(result.events.last == .motionSuperseded(id: first, index: 3))
        #expect(h.registry.motion(id: first)?.state == .superseded)
        #expect(h.registry.motion(id: first)?.closedAt == 3)
        // Only exactly the same scope is superseded.
        #expect(h.registry.motion(id: sibling)?.state == .open)
        // The superseded motion is closed to co-signatures.
        let cosign = h.submit(sign(h.registry.motion(id: first)!.motion, "gov-a"))
        guard case .rejected(let error) = cosign.outcome else { Issue.record("co-signed a superseded motion"); return }
        #expect(error.code == .motionClosed)
    }

    @Test func passingLiftSupersedesOtherLiftsOfThatPause() throws {
        var h = Harness()
        let p = h.pause("training")
        let otherPause = h.pause("inference")
        let liftA = try #require(h.accept(sign(h.motion(.lift, "training", pause: p), "lab-a"))?.id)
        let liftOther = try #require(h.accept(sign(h.motion(.lift, "inference", pause: otherPause), "lab-a"))?.id)
        let result = h.submit(sign(h.motion(.lift, "training", proposer: "lab-b", pause: p), "lab-b", "gov-a"))
        #expect(result.events.contains(.motionSuperseded(id: liftA, index: 5)))
        #expect(h.registry.motion(id: liftA)?.state == .superseded)
        #expect(h.registry.motion(id: liftOther)?.state == .open)
        #expect(h.registry.check(try Scope("training"), at: t0).verdict == .clear)
        #expect(h.registry.check(try Scope("inference/x"), at: t0).verdict == .paused)
        // After a lift, the same scope can be paused again.
        _ = h.pause("training")
        #expect(h.registry.check(try Scope("training"), at: t0).verdict == .paused)
    }

    @Test func nestedPausesAllShowInTheVerdict() throws {
        var h = Harness()
        let broad = h.pause("training")
        let narrow = h.pause("training/frontier")
        let verdict = h.registry.check(try Scope("training/frontier/run-7"), at: t0)
        #expect(verdict.verdict == .paused && verdict.pauses.map(\.id) == [broad, narrow])
        #expect(h.registry.check(try Scope("training/small"), at: t0).pauses.map(\.id) == [broad])
    }

    @Test func sunsetEndsAPause() throws {
        var charter = dev.charter
        charter.pauseSunsetSeconds = 3600
        var h = Harness(charter: charter)
        let m = h.motion()
        let env = m.unsignedEnvelope().signed(with: devKey("lab-a")).signed(with: devKey("lab-b"))
        let p = try #require(h.accept(env)?.id)
        #expect(h.registry.pause(id: p)?.sunset == t0 + hour)
        let scope = try Scope("training")
        #expect(h.registry.check(scope, at: t0 + hour - 1).verdict == .paused)
        #expect(h.registry.pausesInForce(at: t0 + hour - 1).map(\.id) == [p] && h.registry.pausesInForce(at: t0 + hour).isEmpty)
        #expect(h.registry.check(scope, at: t0 + hour).verdict == .clear)
        // Attestations need the pause in force at the entry's time.
        let late = h.submit(sign(h.attestation(p), "lab-a"), at: t0 + hour)
        #expect(late.events == [.pauseSunset(pauseID: p, index: 2)])
        guard case .rejected(let error) = late.outcome else { Issue.record("attested a sunset pause"); return }
        #expect(error.code == .pauseNotInForce)
        // The sunset is reported once, and the scope can be paused anew.
        #expect(h.noop().events.isEmpty)
        let again = h.motion(.trigger, "training", created: t0 + hour)
        let result = h.submit(sign(again, "lab-a", "gov-a"), at: t0 + hour)
        #expect(!result.events.contains(.pauseSunset(pauseID: p, index: 4)))
        #expect(h.registry.check(scope, at: t0 + hour).verdict == .paused)
    }

    @Test func attestationsAndCompliance() throws {
        var h = Harness()
        let p = h.pause()
        // Nothing attested yet: both labs are due after one interval; gov-a is not expected to attest.
        var rows = h.registry.compliance(at: t0 + 1000)
        #expect(rows.map(\.party) == ["lab-a", "lab-b"] && rows.allSatisfy { !$0.overdue && $0.lastAttested == nil })
        #expect(h.registry.compliance(at: t0 + 25 * hour).allSatisfy { $0.overdue })

        let result = h.submit(sign(h.attestation(p, party: "lab-a", period: "2026-11-29"), "lab-a"), at: t0 + hour)
        guard case .accepted(let receipt) = result.outcome else { Issue.record("\(result.outcome)"); return }
        #expect(receipt.kind == "attestation" && receipt.state == nil && receipt.signers == ["lab-a"])
        #expect(result.events == [.attestationRecorded(pauseID: p, party: "lab-a", period: "2026-11-29", index: 2)])
        #expect(result.changed == [.meta, .attestation(receipt.id)])
        #expect(h.registry.attestation(id: receipt.id)?.time == t0 + hour)

        // A second period is fine; the government may attest too and then shows up.
        h.accept(sign(h.attestation(p, party: "lab-a", period: "2026-11-30"), "lab-a"), at: t0 + 24 * hour)
        h.accept(sign(h.attestation(p, party: "gov-a", period: "2026-11-30"), "gov-a"), at: t0 + 24 * hour)
        rows = h.registry.compliance(at: t0 + 26 * hour)
        #expect(rows.map(\.party) == ["lab-a", "lab-b", "gov-a"])
        #expect(rows[0].lastPeriod == "2026-11-30" && rows[0].lastAttested == t0 + 24 * hour && !rows[0].overdue)
        #expect(rows[1].lastPeriod == nil && rows[1].overdue)
        #expect(!rows[2].overdue)
        #expect(h.registry.attestations.count == 3)

        // Lifted pauses leave the compliance view.
        h.accept(sign(h.motion(.lift, "training", pause: p, created: t0 + 26 * hour), "lab-a", "gov-a"), at: t0 + 26 * hour)
        #expect(h.registry.compliance(at: t0 + 27 * hour).isEmpty)
    }

    @Test func eventJSONIsStable() throws {
        let scope = try Scope("training")
        let events: [RegistryEvent] = [
            .motionOpened(id: "m", index: 1), .motionSigned(id: "m", party: "lab-a", index: 1),
            .motionPassed(id: "m", index: 2), .motionExpired(id: "m", index: 3), .motionSuperseded(id: "m", index: 4),
            .pauseInForce(pauseID: "p", scope: scope, index: 5), .pauseLifted(pauseID: "p", scope: scope, index: 6),
            .pauseSunset(pauseID: "p", index: 7), .attestationRecorded(pauseID: "p", party: "lab-a", period: "d", index: 8),
        ]
        #expect(String(decoding: events[5].jsonBytes(), as: UTF8.self) == #"{"index":5,"pause":"p","scope":"training","type":"pause_in_force"}"#)
        #expect(String(decoding: events[1].jsonBytes(), as: UTF8.self) == #"{"id":"m","index":1,"party":"lab-a","type":"motion_signed"}"#)
        for event in events {
            #expect(try JSONDecoder().decode(RegistryEvent.self, from: Data(event.jsonBytes())) == event)
        }
    }
}
