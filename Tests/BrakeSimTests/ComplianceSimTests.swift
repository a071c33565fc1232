import BrakeCore
import BrakeSim
import Testing

/// Attestations and their reviews replicated by the real replica core over the
/// simulated network, with a follower cut off and healed: every node ends with the same registry,
/// reviews and all, and the simulation's invariants (registry divergence included) hold throughout.
@Suite struct ComplianceSimTests {
    @Test("attestations and their reviews replicate identically through a partition")
    func reviewsReplicate() throws {
        var faults = SimulationFaults.none
        faults.latency = 1...2
        faults.heal = 0
        faults.faultFraction = 1
        var sim = Simulation(seed: 7, nodes: 3, steps: 10_000, faults: faults, clientRate: 0.2)
        let federation = try SimFederation.make(nodes: 3)
        func signed(_ envelope: Envelope, _ parties: String...) -> Envelope {
            parties.reduce(envelope) { $0.signed(with: federation.key(of: $1)!) }
        }
        #expect(sim.run(maxSteps: 100) { $0.leader != nil })
        let now = sim.trueTime
        let trigger = Motion(
            federation: federation.charter.federation, kind: .trigger, scope: try Scope("compliance"), reason: "sim",
            pause: nil, proposer: "lab-a", created: now, expires: now + 3_000_000, nonce: "c0ffee0000000001")
        let pauseID = motionID(payload: trigger.payloadBytes())
        let attestation = Attestation(
            federation: federation.charter.federation, pause: pauseID, party: "lab-a", period: "w0",
            claims: ["no-training-above-threshold"], evidence: [], created: now)
        let attestationID = motionID(payload: attestation.payloadBytes())
        func review(_ verdict: ReviewVerdict, _ reason: String) -> Envelope {
            signed(AttestationReview(
                federation: federation.charter.federation, attestation: attestationID, party: "gov-a", verdict: verdict,
                reason: reason, created: now).unsignedEnvelope(), "gov-a")
        }
        #expect(sim.proposeOnLeader([
            signed(trigger.unsignedEnvelope(), "lab-a", "lab-b"),
            signed(attestation.unsignedEnvelope(), "lab-a"),
            review(.countersign, ""),
        ]) == 3)
        let follower = try #require(sim.nodeIDs.first { $0 != sim.leader })
        sim.isolate(follower)
        #expect(sim.run(maxSteps: 200) { $0.leader != nil && $0.leader != follower })
        #expect(sim.proposeOnLeader([review(.dispute, "sim dispute")]) == 1)
        #expect(sim.run(maxSteps: 300) { s in
            s.nodeIDs.filter { $0 != follower }.allSatisfy { s.registry(of: $0)?.reviews.count == 2 }
        })
        sim.heal()
        #expect(sim.run(maxSteps: 600) { s in
            s.nodeIDs.allSatisfy { s.appliedIndex(of: $0) == s.committedIndex && s.registry(of: $0)?.reviews.count == 2 }
        })
        #expect(sim.report.violation == nil, "\(sim.report)")
        let registries = sim.nodeIDs.compactMap { sim.registry(of: $0) }
        #expect(registries.count == 3 && Set(registries.map { $0.digestHex() }).count == 1)
        let row = try #require(registries[0].compliance(pauseID: pauseID, at: sim.trueTime)?.first { $0.party == "lab-a" })
        #expect(row.disputedBy == ["gov-a"] && row.disputes.map(\.reason) == ["sim dispute"] && row.countersignedBy.isEmpty)
    }
}
