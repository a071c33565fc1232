import BrakeCore
import BrakeRaft
import BrakeSim
import Testing

/// The self-certifying trigger in the simulation (Specs/gossip.md): a minority that holds a fully
/// signed trigger answers paused, pending commit; one holding a trigger short of the policy does
/// not; after the heal the trigger commits and the pause is the registry's.
@Suite struct PendingVerdictTests {
    @Test("a minority holding a fully signed trigger answers paused (pending commit); a half-signed one does not")
    func minorityHoldsTheBrake() throws {
        var faults = SimulationFaults.none
        faults.latency = 1...2
        faults.heal = 0
        faults.faultFraction = 1
        var sim = Simulation(seed: 31, nodes: 5, steps: 100_000, faults: faults, clientRate: 0)
        #expect(sim.run(maxSteps: 300) { s in s.leader != nil && s.committedIndex >= 1 && s.minimumAppliedIndex == s.committedIndex })
        let leader = try #require(sim.leader)
        let minority = Array(sim.nodeIDs.filter { $0 != leader }.prefix(2))
        let majority = sim.nodeIDs.filter { !minority.contains($0) }
        sim.partition(minority, majority)

        let madeFull = sim.trigger("training", signers: ["lab-a", "lab-b"])
        let full = try #require(madeFull)
        let madeHalf = sim.trigger("deploy", signers: ["lab-a"])
        let half = try #require(madeHalf)
        sim.submit(full, on: minority[0])
        sim.submit(half, on: minority[1])
        // Both minority nodes come to hold both, and the fully signed one pauses them, pending.
        #expect(sim.run(maxSteps: 200) { s in
            minority.allSatisfy { node in
                s.pooledParties(of: motionID(payload: full.payload), on: node) != nil
                    && s.pooledParties(of: motionID(payload: half.payload), on: node) != nil
            }
        })
        for node in minority {
            let verdict = try #require(sim.check("training/frontier", on: node))
            #expect(verdict.verdict == .paused && verdict.pending, "\(node): \(verdict)")
            #expect(verdict.pendingPauses.map(\.signers) == [["lab-a", "lab-b"]])
            // The half-signed trigger pauses nothing: the cut-off node cannot tell, so unknown.
            #expect(sim.check("deploy", on: node)?.verdict == .unknown)
        }
        // The majority never saw either: clear.
        for node in majority { #expect(sim.check("training/frontier", on: node)?.verdict == .clear) }

        // After the heal the trigger commits: paused everywhere, no longer pending.
        sim.heal()
        #expect(sim.run(maxSteps: 400) { s in
            s.nodeIDs.allSatisfy { node in
                guard let v = s.check("training/frontier", on: node) else { return false }
                return v.verdict == .paused && !v.pending
            }
        })
        #expect(sim.report.violation == nil, "\(sim.report)")
    }
}
