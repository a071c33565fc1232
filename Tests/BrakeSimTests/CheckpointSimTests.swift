import BrakeSim
import Testing

/// Checkpoints in the simulation: the same core proposes, cosigns and finds checkpoints final under
/// loss, duplication, reordering, partitions, crashes and restarts, and every node that finds a
/// checkpoint of some size final finds the same root (`checkpoint_agreement`, checked on every batch
/// of every run, the seed sweep's included; honest nodes keep no evidence).
@Suite struct CheckpointSimTests {
    @Test("checkpoints become final under the sweep's faults, one root per size on every node")
    func finalUnderFaults() {
        var finals = 0
        for seed in UInt64(1)...24 {
            var sim = Simulation.sweep(seed: seed)
            let report = sim.run()
            #expect(report.violation == nil, "\(report)\nreplay with: \(report.replayCommand)")
            finals += sim.finalCheckpointCount
        }
        #expect(finals > 24, "only \(finals) checkpoint sizes became final over 24 runs")
    }

    @Test("with no faults, checkpoints keep up with the log")
    func finalWithoutFaults() {
        var faults = SimulationFaults.none
        faults.latency = 1...2
        faults.faultFraction = 1  // no quiet phase: the run lasts its steps
        var sim = Simulation(seed: 5, nodes: 3, steps: 10_000, faults: faults, clientRate: 0.5)
        let kept = sim.run(maxSteps: 400) { $0.finalCheckpointCount >= 5 }
        #expect(kept, "\(sim.finalCheckpointCount) final checkpoints in 400 steps (40 s at 2 s a checkpoint): \(sim.report)")
        #expect(sim.report.violation == nil, "\(sim.report)")
    }
}

/// The checker itself: a node made to present a forked history is caught (`checkpoint_agreement`).
@Suite struct CheckpointForkCheckTests {
    @Test("a node presenting a forked history is caught by the checkpoint checks")
    func forkCaught() {
        var faults = SimulationFaults.none
        faults.latency = 1...2
        faults.faultFraction = 1
        var sim = Simulation(seed: 11, nodes: 5, steps: 10_000, faults: faults, clientRate: 0.5)
        let elected = sim.run(maxSteps: 100) { $0.leader != nil }
        #expect(elected)
        sim.presentForkedHistory("node-3")
        _ = sim.run(maxSteps: 400) { $0.report.violation != nil }
        #expect(sim.report.violation?.kind == .checkpointAgreement, "\(sim.report)")
    }
}
