import BrakeRaft
import BrakeSim
import Foundation
import Testing

/// Checkpoints follow the chain of charters (`Specs/log.md` 7.4): after amendments replace the
/// genesis nodes, checkpoints become final again under the nodes of the charter that judges their
/// size, which is what the offline verifier asks. The `checkpoint_agreement` invariant judges every
/// final checkpoint a node finds by that charter, built as the verifier builds it.
@Suite struct CheckpointCharterSimTests {
    @Test("two of three genesis nodes are replaced: checkpoints become final under the amended charter's nodes, across restarts")
    func finalUnderTheAmendedCharter() throws {
        var simulation = Simulation(seed: 11, nodes: 5, steps: 6_000, faults: .none, membership: true)
        #expect(simulation.run(maxSteps: 200) { $0.leader != nil })
        let all: [NodeID] = ["node-1", "node-2", "node-3", "node-4", "node-5"]
        let joined = simulation.amendNodes(to: Set(all))
        #expect(joined)
        #expect(simulation.run(maxSteps: 1_000) { sim in all.allSatisfy { sim.membership(of: $0) == Membership(voters: all) } },
                "voters never became \(all)")
        let kept: [NodeID] = ["node-3", "node-4", "node-5"]
        let replaced = simulation.amendNodes(to: Set(kept))
        #expect(replaced)
        #expect(simulation.run(maxSteps: 1_500) { sim in kept.allSatisfy { sim.membership(of: $0) == Membership(voters: kept) } },
                "voters never became \(kept)")
        #expect(simulation.charterNodes == kept)
        // Only node-3 is left of the genesis nodes: a checkpoint of a size after the amendment is
        // final only with node-4's or node-5's cosignature, counted under the amended charter.
        let before = simulation.largestFinalCheckpoint
        for _ in 0..<3 { _ = simulation.proposeMotionOnLeader() }
        #expect(simulation.run(maxSteps: 800) { $0.largestFinalCheckpoint > before },
                "no checkpoint became final under nodes \(kept) (largest \(before))")
        // The added nodes restart: they learn again from their stores from which size the amended
        // charter judges, and go on cosigning (without them no majority of the three cosigns).
        simulation.restartNode("node-4")
        simulation.restartNode("node-5")
        let afterRestart = simulation.largestFinalCheckpoint
        for _ in 0..<3 { _ = simulation.proposeMotionOnLeader() }
        #expect(simulation.run(maxSteps: 1_000) { $0.largestFinalCheckpoint > afterRestart },
                "no checkpoint became final after node-4 and node-5 restarted (largest \(afterRestart))")
        #expect(simulation.report.violation == nil, "\(simulation.report)")
    }

    /// `BRAKE_SIM_CHECKPOINT_SEEDS=N` runs N seeds of the membership sweep here (8 by default).
    static var sweepSeeds: Int { ProcessInfo.processInfo.environment["BRAKE_SIM_CHECKPOINT_SEEDS"].flatMap(Int.init) ?? 8 }

    @Test("over the membership sweep, every final checkpoint holds under the charter that judges its size", arguments: 0..<4)
    func membershipSweepAgreement(shard: Int) {
        var runs = 0
        var changedFinals = 0
        var liveness: [UInt64] = []
        for seed in (0..<Self.sweepSeeds).filter({ $0 % 4 == shard }).map({ UInt64($0 + 1) }) {
            var simulation = Simulation.membershipSweep(seed: seed)
            let report = simulation.run()
            // Liveness of membership changes is the membership sweep's (MembershipSimTests); every
            // invariant up to the step it stopped at held, the checkpoint agreement among them.
            if report.violation?.kind == .liveness {
                liveness.append(seed)
            } else {
                #expect(report.violation == nil, "seed \(seed): \(report)\nreplay with: BRAKE_SIM_MEMBERSHIP_SEED=\(seed) swift test --filter MembershipSimTests")
            }
            runs += 1
            changedFinals += simulation.finalCheckpointsUnderChangedNodes
        }
        if runs >= 4 {
            // The sweep reaches what this test is about: finals under charters with other nodes.
            #expect(changedFinals > 0, "no checkpoint became final under a changed node set in \(runs) runs")
        }
        print("checkpoint membership shard \(shard): \(runs) seeds, \(changedFinals) finals under changed nodes, liveness stops at seeds \(liveness)")
    }
}
