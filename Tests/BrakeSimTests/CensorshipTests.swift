import BrakeCore
import BrakeRaft
import BrakeSim
import Testing

/// Censorship evidence in the simulation (Specs/gossip.md): a leader with the test-only switch
/// that never proposes one party's declarations is detected by the followers holding the
/// declaration, replaced by a pre-vote and election, and the declaration commits under the next
/// leader.
@Suite struct CensorshipTests {
    @Test("a censoring leader is detected and replaced, and the declaration commits under the next leader", arguments: [3, 5])
    func censorIsReplaced(nodes: Int) throws {
        var faults = SimulationFaults.none
        faults.latency = 1...2
        faults.heal = 0
        faults.faultFraction = 1
        // node-1 censors lab-b's declarations while it leads.
        var sim = Simulation(seed: 23, nodes: nodes, steps: 100_000, faults: faults, clientRate: 0, censor: (node: 0, party: "lab-b"))
        let censor = sim.nodeIDs[0]
        #expect(sim.run(maxSteps: 300) { $0.leader != nil })
        if sim.leader != censor {
            let transferred = sim.transferLeadership(to: censor)
            #expect(transferred)
        }
        #expect(sim.run(maxSteps: 300) { $0.leader == censor })
        let censorTerm = try #require(sim.term(of: censor))
        let follower = try #require(sim.nodeIDs.last)
        let madeEnvelope = sim.trigger("training", signers: ["lab-b"])
        let envelope = try #require(madeEnvelope)
        let id = motionID(payload: envelope.payload)
        sim.submit(envelope, on: follower)

        // Every node comes to hold it; under the censor it does not commit.
        #expect(sim.run(maxSteps: 100) { s in s.nodeIDs.allSatisfy { s.pooledParties(of: id, on: $0) == ["lab-b"] } })
        for _ in 0..<150 { sim.step() }
        #expect(sim.leader == censor && !sim.hasApplied(id, on: follower), "the censor stayed leader and nothing committed it")
        // Past the charter's bound (20 s = 200 ticks) the followers raise alarms naming the censor
        // and the declaration, replace the censor, and the declaration commits.
        #expect(sim.run(maxSteps: 200) { s in
            s.nodeIDs.dropFirst().contains { node in s.censorshipAlarms(on: node).contains { $0.leader == censor && $0.declaration == id } }
        })
        #expect(sim.run(maxSteps: 1_000) { s in
            guard let leader = s.leader, leader != censor, (s.term(of: leader) ?? 0) > censorTerm else { return false }
            return s.nodeIDs.allSatisfy { s.hasApplied(id, signers: ["lab-b"], on: $0) }
        })
        // A quorum agreed: at least a majority of the nodes raised the alarm.
        #expect(sim.nodeIDs.filter { sim.censorshipAlarmsRaised(on: $0) >= 1 }.count >= nodes / 2 + 1)
        // Once it committed, the alarms clear.
        #expect(sim.run(maxSteps: 50) { s in s.nodeIDs.allSatisfy { s.censorshipAlarms(on: $0).isEmpty } })
        #expect(sim.report.violation == nil, "\(sim.report)")
    }
}
