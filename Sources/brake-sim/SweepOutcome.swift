import BrakeSim
import Foundation
import Synchronization

/// What a sweep did: the failing seeds and totals of the faults and elections the seeds ran.
struct SweepOutcome: Sendable {
    var failed: [UInt64] = []
    var leaderTerms = 0
    var crashes = 0
    var partitions = 0
}

extension BrakeSimCLI.Sweep {
    /// The run for `seed`: the same constructor the sweep's test uses.
    func simulation(seed: UInt64) -> Simulation {
        switch self {
        case .faults: Simulation.sweep(seed: seed)
        case .membership: Simulation.membershipSweep(seed: seed)
        }
    }

    /// Runs `seeds` on `jobs` threads, handing seeds out one at a time so that a slow seed does not
    /// hold back a shard. A seed fails when an invariant breaks or the run never converges; each
    /// failure prints its report and how to replay it (every report when `verbose`).
    func run(seeds: ClosedRange<UInt64>, jobs: Int, verbose: Bool) -> SweepOutcome {
        let next = Atomic<UInt64>(seeds.lowerBound)
        let outcome = Mutex(SweepOutcome())
        DispatchQueue.concurrentPerform(iterations: jobs) { _ in
            while true {
                let seed = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard seed <= seeds.upperBound else { return }
                var simulation = simulation(seed: seed)
                let report = simulation.run()
                let passed = report.passed && report.convergedAtStep != nil
                if !passed {
                    let replay = self == .membership ? "brake-sim membership --first \(seed) --count 1 --verbose" : report.replayCommand
                    print("FAILED\(report.passed ? " (never converged)" : ""): \(report)\nreplay: \(replay)")
                } else if verbose {
                    print(report)
                }
                outcome.withLock {
                    if !passed { $0.failed.append(seed) }
                    $0.leaderTerms += report.leaderTerms
                    $0.crashes += report.crashes
                    $0.partitions += report.partitions
                }
            }
        }
        return outcome.withLock { $0 }
    }
}
