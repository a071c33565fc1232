import BrakeRaft
import BrakeSim
import Testing

/// The scripted partition-heal scenario: the leader is isolated, the majority elects a new
/// leader and keeps committing, and after the heal the old leader steps down and catches up.
@Suite struct PartitionHealTests {
    @Test("an isolated leader is replaced, then steps down and converges after the heal", arguments: [3, 5])
    func isolatedLeader(nodes: Int) throws {
        var faults = SimulationFaults.none
        faults.latency = 1...2
        faults.heal = 0  // only the script heals
        faults.faultFraction = 1  // no automatic quiet phase: the script decides
        var sim = Simulation(seed: 99, nodes: nodes, steps: 10_000, faults: faults, clientRate: 0.3)

        #expect(sim.run(maxSteps: 100) { $0.leader != nil })
        let old = try #require(sim.leader)
        let oldTerm = try #require(sim.term(of: old))
        #expect(sim.run(maxSteps: 100) { $0.committedIndex >= 3 })

        sim.isolate(old)
        let committedBefore = sim.committedIndex
        #expect(sim.run(maxSteps: 200) { s in
            guard let l = s.leader, l != old else { return false }
            return (s.term(of: l) ?? 0) > oldTerm
        })
        let new = try #require(sim.leader.flatMap { $0 == old ? nil : $0 })
        // The majority side keeps committing client submissions.
        #expect(sim.run(maxSteps: 200) { $0.committedIndex >= committedBefore + 3 })
        // Check-quorum: the isolated leader steps down on its own.
        #expect(sim.run(maxSteps: 100) { $0.role(of: old) != .leader })

        sim.heal()
        let newTerm = try #require(sim.term(of: new))
        #expect(sim.run(maxSteps: 200) { s in
            s.role(of: old) == .follower && (s.term(of: old) ?? 0) >= newTerm
                && s.appliedIndex(of: old) == s.committedIndex && s.committedIndex > committedBefore
        })
        #expect(sim.report.violation == nil, "\(sim.report)")
        #expect(sim.acknowledged > 0)
    }
}
