import BrakeCore
import Foundation
import Testing

@Suite("Registry")
struct RegistryTests {
    /// The walkthrough of the design: lab-a proposes, lab-b co-signs → paused; lab-a and gov-a lift.
    @Test func walkthrough() throws {
        var h = Harness()
        let trigger = h.motion(.trigger, "training")
        let opened = h.submit(sign(trigger, "lab-a"))
        guard case .accepted(let r1) = opened.outcome else { Issue.record("\(opened.outcome)"); return }
        #expect(r1.state == "open" && r1.signers == ["lab-a"] && r1.kind == "motion" && r1.index == 1)
        #expect(opened.events == [.motionOpened(id: r1.id, index: 1), .motionSigned(id: r1.id, party: "lab-a", index: 1)])
        #expect(opened.changed == [.meta, .motion(r1.id)])
        #expect(h.registry.check(try Scope("training/frontier"), at: t0).verdict == .clear)

        let cosigned = h.submit(sign(trigger, "lab-b"), at: t0 + 1000)
        guard case .accepted(let r2) = cosigned.outcome else { Issue.record("\(cosigned.outcome)"); return }
        #expect(r2.id == r1.id && r2.state == "passed" && r2.signers == ["lab-a", "lab-b"])
        let scope = try Scope("training")
        #expect(cosigned.events == [
            .motionSigned(id: r1.id, party: "lab-b", index: 2), .motionPassed(id: r1.id, index: 2),
            .pauseInForce(pauseID: r1.id, scope: scope, index: 2),
        ])
        #expect(Set(cosigned.changed) == [.meta, .motion(r1.id), .pause(r1.id)])

        let verdict = h.registry.check(try Scope("training/frontier"), at: t0 + 2000)
        #expect(verdict.verdict == .paused)
        #expect(verdict.pauses.map(\.id) == [r1.id])
        #expect(verdict.reason?.contains(trigger.reason) == true)
        #expect(h.registry.check(try Scope("inference"), at: t0 + 2000).verdict == .clear)
        #expect(h.registry.check(try Scope("trainingx"), at: t0 + 2000).verdict == .clear)

        let pause = try #require(h.registry.pause(id: r1.id))
        #expect(pause.since == t0 + 1000 && pause.triggeredAt == 2 && pause.signers == ["lab-a", "lab-b"] && pause.sunset == nil)
        let record = try #require(h.registry.motion(id: r1.id))
        #expect(record.envelope.signatures.count == 2)
        #expect(record.passedAt == 2 && record.pauseID == r1.id)
        // The merged envelope is self-contained evidence: it verifies against the charter on its own.
        #expect(try dev.charter.verifiedSignatures(of: record.envelope).map(\.party) == ["lab-a", "lab-b"])

        // A lift by lab-a alone is not enough; lab-b is not a government; gov-a completes it.
        let lift = h.motion(.lift, "training", pause: r1.id, created: t0 + hour)
        #expect(h.accept(sign(lift, "lab-a"), at: t0 + hour)?.state == "open")
        #expect(h.accept(sign(lift, "lab-b"), at: t0 + hour)?.state == "open")
        #expect(h.registry.check(scope, at: t0 + hour).verdict == .paused)
        let lifted = h.submit(sign(lift, "gov-a"), at: t0 + 2 * hour)
        guard case .accepted(let r3) = lifted.outcome else { Issue.record("\(lifted.outcome)"); return }
        #expect(r3.state == "passed" && r3.signers == ["lab-a", "lab-b", "gov-a"])
        #expect(lifted.events.contains(.pauseLifted(pauseID: r1.id, scope: scope, index: 5)))
        #expect(h.registry.check(try Scope("training/frontier"), at: t0 + 2 * hour).verdict == .clear)
        let ended = try #require(h.registry.pause(id: r1.id))
        #expect(ended.liftedAt == 5 && ended.liftedBy == r3.id && ended.liftedTime == t0 + 2 * hour)
        #expect(h.registry.motions.map(\.id) == [r1.id, r3.id])
        #expect(h.registry.appliedIndex == 5 && h.registry.lastTime == t0 + 2 * hour)
    }

    @Test func admitDoesNotChangeStateAndPredictsPassing() throws {
        var h = Harness()
        let trigger = h.motion()
        let before = h.registry.snapshot()
        let admission = try h.registry.admit(sign(trigger, "lab-a", "gov-a"), at: t0).get()
        #expect(admission.newSigners == ["lab-a", "gov-a"] && admission.wouldPass)
        #expect(h.registry.snapshot() == before)
        #expect(try h.registry.admit(sign(trigger, "lab-a"), at: t0).get().wouldPass == false)
        h.accept(sign(trigger, "lab-a"))
        let cosign = try h.registry.admit(sign(trigger, "lab-a", "lab-b"), at: t0).get()
        #expect(cosign.newSigners == ["lab-b"] && cosign.wouldPass)
    }

    /// A signature repeated is refused, not counted twice; the motion can still be submitted once.
    @Test func repeatedSignatureIsRefused() throws {
        var h = Harness()
        let trigger = h.motion()
        let before = recordRows(h.registry)
        guard case .rejected(let error) = h.submit(sign(trigger, "lab-a", "lab-a")).outcome else {
            Issue.record("a repeated signature was accepted")
            return
        }
        #expect(error.code == .duplicateSignature && recordRows(h.registry) == before)
        let receipt = h.accept(sign(trigger, "lab-a"))
        #expect(receipt?.state == "open" && receipt?.signers == ["lab-a"])
        #expect(h.registry.motion(id: receipt!.id)?.envelope.signatures.count == 1)
    }

    @Test func noopAdvancesOnlyTheIndex() {
        var h = Harness()
        let before = recordRows(h.registry)
        let result = h.noop()
        #expect(result.outcome == .noop && result.events.isEmpty && result.changed == [.meta])
        #expect(h.registry.appliedIndex == 1 && recordRows(h.registry) == before)
        let stale = h.registry.apply(index: 1, data: [])
        #expect(stale.changed.isEmpty)
        guard case .rejected(let error) = stale.outcome else { Issue.record("stale index applied"); return }
        #expect(error.code == .staleIndex)
    }

    @Test func garbageEntryIsRejectedNotFatal() {
        var h = Harness()
        h.index += 1
        let result = h.registry.apply(index: h.index, data: utf8("not a record"))
        guard case .rejected(let error) = result.outcome else { Issue.record("accepted garbage"); return }
        #expect(error.code == .malformedJSON && result.changed == [.meta] && h.registry.appliedIndex == 1)
    }

    @Test func effectiveTimeNeverDecreases() {
        var h = Harness()
        h.accept(sign(h.motion(), "lab-a"), at: t0 + hour)
        // A later entry stamped earlier (a new leader with a slow clock) is applied at lastTime.
        let m = h.motion(created: t0, lifetime: hour)
        let result = h.submit(sign(m, "lab-a"), at: t0)
        #expect(h.registry.lastTime == t0 + hour)
        guard case .rejected(let error) = result.outcome else { Issue.record("accepted an expired motion"); return }
        #expect(error.code == .motionExpired)
    }
}
