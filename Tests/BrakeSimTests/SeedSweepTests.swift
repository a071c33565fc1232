import BrakeSim
import Foundation
import Testing

/// The seed sweep: thousands of seeded runs with every kind of fault, each checking every
/// invariant after every step. `BRAKE_SIM_SEEDS=N` runs N seeds (default 2000);
/// `BRAKE_SIM_SEED=S` runs only seed S and prints its report.
@Suite struct SeedSweepTests {
    static let shards = 8

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The seeds to run, split into shards that run in parallel.
    static func seeds(shard: Int) -> [UInt64] {
        if let one = environment["BRAKE_SIM_SEED"].flatMap(UInt64.init) {
            return shard == 0 ? [one] : []
        }
        let count = environment["BRAKE_SIM_SEEDS"].flatMap(Int.init) ?? 2_000
        return (0..<count).filter { $0 % shards == shard }.map { UInt64($0 + 1) }
    }

    @Test("every invariant holds for every seed", arguments: 0..<shards)
    func sweep(shard: Int) {
        let single = Self.environment["BRAKE_SIM_SEED"] != nil
        var totals = (runs: 0, acknowledged: 0, leaderTerms: 0, crashes: 0, partitions: 0, pauses: 0, lifts: 0)
        for seed in Self.seeds(shard: shard) {
            var simulation = Simulation.sweep(seed: seed)
            let report = simulation.run()
            if single { print(report) }
            totals.runs += 1
            totals.acknowledged += report.acknowledged
            totals.leaderTerms += report.leaderTerms
            totals.crashes += report.crashes
            totals.partitions += report.partitions
            totals.pauses += report.pauses
            totals.lifts += report.lifts
            if !report.passed {
                Issue.record("\(report)\nreplay with: \(report.replayCommand)")
                return
            }
            #expect(report.convergedAtStep != nil, "seed \(seed) never converged; replay: \(report.replayCommand)")
        }
        if totals.runs > 0 {
            // The sweep must exercise what it claims to: entries acknowledged, elections, faults.
            #expect(totals.acknowledged > 0)
            #expect(totals.leaderTerms >= totals.runs)
            if totals.runs >= 50 {
                // Enough runs that the policy checks must have had pauses and lifts to judge.
                #expect(totals.pauses > 0 && totals.lifts > 0)
            }
            print("shard \(shard): \(totals.runs) seeds, \(totals.acknowledged) acknowledged, \(totals.pauses) pauses (\(totals.lifts) lifted), \(totals.leaderTerms) leader terms, \(totals.crashes) crashes, \(totals.partitions) partitions")
        }
    }
}
