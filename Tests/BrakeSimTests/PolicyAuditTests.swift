import BrakeCore
import Testing

@testable import BrakeSim

/// The policy audit is the simulator's independent judge of pauses and lifts; these tests show
/// it condemns what it must, so a passing sweep means something.
@Suite struct PolicyAuditTests {
    let federation = try! SimFederation.make(nodes: 3)
    let time: Millis = 1_795_910_400_000

    func trigger(nonce: String = "00112233445566778899") -> Motion {
        Motion(
            federation: federation.charter.federation, kind: .trigger, scope: try! Scope("training"),
            reason: "test", proposer: "lab-a", created: time, expires: time + 600_000, nonce: nonce)
    }

    func record(_ envelope: Envelope, at offset: Millis = 0) -> [UInt8] {
        LogRecord(time: time + offset, envelope: envelope).encoded()
    }

    func pause(of motion: Motion, at index: UInt64) -> Pause {
        Pause(
            id: motionID(payload: motion.payloadBytes()), scope: motion.scope, reason: motion.reason,
            triggeredAt: index, since: time, signers: ["lab-a", "lab-b"])
    }

    func signed(_ motion: Motion, by parties: [String]) -> Envelope {
        DeclarationFactory(federation: federation).signed(motion, by: parties)
    }

    @Test("a pause whose trigger two parties signed passes")
    func satisfiedTrigger() {
        var audit = PolicyAudit(charter: federation.charter)
        let motion = trigger()
        audit.read(index: 1, data: record(signed(motion, by: ["lab-a"])))
        audit.read(index: 2, data: record(signed(motion, by: ["lab-b"])))
        #expect(audit.check(pauses: [pause(of: motion, at: 2)], applied: 2) == nil)
    }

    @Test("a pause with one party's signature, or signatures after the pause, is condemned")
    func unsatisfiedTrigger() {
        var audit = PolicyAudit(charter: federation.charter)
        let motion = trigger()
        audit.read(index: 1, data: record(signed(motion, by: ["lab-a", "lab-a"])))
        audit.read(index: 2, data: record(signed(motion, by: ["lab-b"])))
        #expect(audit.check(pauses: [pause(of: motion, at: 1)], applied: 2) != nil)
    }

    @Test("a forged signature or an expired co-signature does not count")
    func forgedAndExpired() {
        var audit = PolicyAudit(charter: federation.charter)
        let motion = trigger()
        let factory = DeclarationFactory(federation: federation)
        var forged = motion.unsignedEnvelope()
        let labB = federation.key(of: "lab-b")!
        forged.signatures = [EnvelopeSignature(keyID: labB.publicKey.keyID, sig: federation.stranger.signature(for: forged.pae))]
        audit.read(index: 1, data: record(factory.signed(motion, by: ["lab-a"])))
        audit.read(index: 2, data: record(forged))
        #expect(audit.check(pauses: [pause(of: motion, at: 2)], applied: 2) != nil)
        audit.read(index: 3, data: record(factory.signed(motion, by: ["gov-a"]), at: 600_000))
        #expect(audit.check(pauses: [pause(of: motion, at: 3)], applied: 3) != nil)
    }

    @Test("a lift needs a government among two parties")
    func lift() {
        var audit = PolicyAudit(charter: federation.charter)
        let motion = trigger()
        let pauseID = motionID(payload: motion.payloadBytes())
        let lift = Motion(
            federation: federation.charter.federation, kind: .lift, scope: motion.scope, reason: "over",
            pause: pauseID, proposer: "lab-a", created: time, expires: time + 600_000, nonce: "aabbccddeeff00112233")
        audit.read(index: 1, data: record(signed(motion, by: ["lab-a", "lab-b"])))
        audit.read(index: 2, data: record(signed(lift, by: ["lab-a", "lab-b"])))
        var lifted = pause(of: motion, at: 1)
        lifted.liftedAt = 2
        lifted.liftedBy = motionID(payload: lift.payloadBytes())
        #expect(audit.check(pauses: [lifted], applied: 2) != nil)
        audit.read(index: 3, data: record(signed(lift, by: ["gov-a"])))
        lifted.liftedAt = 3
        #expect(audit.check(pauses: [lifted], applied: 3) == nil)
    }
}
