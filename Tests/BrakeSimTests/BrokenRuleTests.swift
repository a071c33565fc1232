import BrakeRaft
import BrakeSim
import Testing

/// The checker must catch a Raft core that breaks a rule: with a deliberately wrong rule turned
/// on, some seed among a modest number must violate an invariant. If none does, the simulation
/// is too weak to trust.
@Suite struct BrokenRuleTests {
    /// Searches seeds until one violates an invariant; returns its report.
    func firstViolation(
        seeds: ClosedRange<UInt64>, switches: TestingSwitches, faults: SimulationFaults, nodes: Int,
        maxBatchEntries: Int?, clientRate: Double
    ) -> SimulationReport? {
        for seed in seeds {
            var simulation = Simulation(
                seed: seed, nodes: nodes, steps: 250, faults: faults, testing: switches,
                maxBatchEntries: maxBatchEntries, clientRate: clientRate)
            let report = simulation.run()
            if !report.passed { return report }
        }
        return nil
    }

    @Test("committing entries of an earlier term by counting replicas (Figure 8) is caught")
    func commitOldTermEntries() throws {
        // Leaders crash right after their election, batches hold one entry: the schedule of
        // Figure 8, where an old-term entry on a majority is overwritten after it was committed.
        let report = try #require(firstViolation(
            seeds: 1...1_000, switches: TestingSwitches(commitOldTermEntries: true), faults: .leaderChurn,
            nodes: 3, maxBatchEntries: 1, clientRate: 0))
        let violation = try #require(report.violation)
        print("caught with seed \(report.seed): \(violation.kind.rawValue): \(violation.message)")
        #expect([.leaderCompleteness, .stateMachineSafety, .logMatching, .acknowledgedLost].contains(violation.kind))
    }

    @Test("granting votes without the up-to-date log check is caught")
    func grantVotesIgnoringLog() throws {
        let report = try #require(firstViolation(
            seeds: 1...200, switches: TestingSwitches(grantVotesIgnoringLog: true), faults: .standard,
            nodes: 3, maxBatchEntries: nil, clientRate: 0.1))
        let violation = try #require(report.violation)
        print("caught with seed \(report.seed): \(violation.kind.rawValue): \(violation.message)")
        #expect([.leaderCompleteness, .stateMachineSafety, .logMatching, .acknowledgedLost].contains(violation.kind))
    }

    @Test("the same seeds pass with the correct rules")
    func correctRulesPass() {
        for seed in UInt64(1)...20 {
            var simulation = Simulation(seed: seed, nodes: 3, steps: 250, faults: .leaderChurn, maxBatchEntries: 1, clientRate: 0)
            let report = simulation.run()
            #expect(report.passed, "\(report)")
        }
    }
}
