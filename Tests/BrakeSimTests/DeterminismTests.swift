import BrakeSim
import Testing

/// A run is a function of its seed: that is what makes a failing seed replayable.
@Suite struct DeterminismTests {
    @Test("the same seed gives the same trace, twice", arguments: [UInt64(7), 42, 2_026])
    func sameSeedSameTrace(seed: UInt64) {
        var first = Simulation.sweep(seed: seed)
        var second = Simulation.sweep(seed: seed)
        let a = first.run()
        let b = second.run()
        #expect(a.traceHash == b.traceHash)
        #expect(a == b)
        #expect(a.acknowledged > 0 || a.committedIndex > 0)
    }

    @Test("different seeds give different traces")
    func differentSeedsDiffer() {
        var first = Simulation(seed: 1, nodes: 5, steps: 150)
        var second = Simulation(seed: 2, nodes: 5, steps: 150)
        #expect(first.run().traceHash != second.run().traceHash)
    }
}
