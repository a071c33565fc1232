import BrakeSim
import Testing

/// Checkpoints in the simulation: the same core proposes, cosigns and finds checkpoints final under
/// loss, duplication, reordering, partitions, crashes and restarts, and every node that finds a
/// checkpoint of some size final finds the same root (`checkpoint_agreement`, checked on every batch;
/// honest nodes keep no evidence).
@Suite struct CheckpointSimTests {
    @Test("checkpoints become final under faults, one root per size on every node", arguments: [UInt64(3), 17, 2_026, 90_210])
    func finalUnderFaults(seed: UInt64) {
        var sim = Simulation(seed: seed, nodes: 5, steps: 1_500, faults: .standard, clientRate: 0.3)
        let report = sim.run()
        #expect(report.violation == nil, "\(report)")
        #expect(sim.finalCheckpointCount > 0, "no checkpoint became final in \(report)")
        #expect(sim.largestFinalCheckpoint > 0)
    }

    @Test("with no faults, checkpoints keep up with the log")
    func finalWithoutFaults() {
        var faults = SimulationFaults.none
        faults.latency = 1...2
        var sim = Simulation(seed: 5, nodes: 3, steps: 600, faults: faults, clientRate: 0.5)
        let report = sim.run()
        #expect(report.violation == nil, "\(report)")
        #expect(sim.finalCheckpointCount >= 3, "\(sim.finalCheckpointCount) final checkpoints in \(report)")
    }
}
