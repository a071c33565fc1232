import ArgumentParser
import BrakeSim
import Foundation

/// `brake-sim`: the simulation's seed sweeps as a release-built command, for sweeps of thousands
/// of seeds (a debug test run costs several CPU seconds per seed). The same runs as
/// `SeedSweepTests` and `MembershipSimTests`: `Simulation.sweep(seed:)` and
/// `Simulation.membershipSweep(seed:)`, every invariant checked after every step.
@main
struct BrakeSimCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "brake-sim",
        abstract: "Run the simulation's seed sweeps (run in release: swift run -c release brake-sim ...).")

    /// Which sweep to run.
    enum Sweep: String, ExpressibleByArgument, CaseIterable {
        /// Partitions, crashes and elections on 3, 5 or 7 nodes (`SeedSweepTests`).
        case faults
        /// Amendments change the charter's nodes while faults run (`MembershipSimTests`).
        case membership
    }

    @Argument(help: "The sweep: \(Sweep.allCases.map(\.rawValue).joined(separator: " or ")).")
    var sweep: Sweep

    @Option(help: "The first seed.")
    var first: UInt64 = 1

    @Option(help: "How many seeds, from --first.")
    var count: Int = 1_000

    @Option(help: "Seeds run at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Print every seed's report, not only the failing ones.")
    var verbose = false

    func validate() throws {
        guard count > 0, jobs > 0 else { throw ValidationError("--count and --jobs must be positive") }
    }

    func run() throws {
        let started = ContinuousClock.now
        let seeds = first...(first + UInt64(count) - 1)
        let outcome = sweep.run(seeds: seeds, jobs: min(jobs, count), verbose: verbose)
        let seconds = Double((ContinuousClock.now - started).components.seconds)
        print("\(sweep.rawValue) sweep: seeds \(seeds), \(outcome.failed.count) failed \(outcome.failed.sorted()), "
              + "\(outcome.leaderTerms) leader terms, \(outcome.crashes) crashes, \(outcome.partitions) partitions, \(Int(seconds)) s")
        if !outcome.failed.isEmpty { throw ExitCode.failure }
    }
}
