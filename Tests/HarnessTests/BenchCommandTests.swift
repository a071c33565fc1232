import BrakeHarness
import Foundation
import Testing

/// `brake-harness bench --quick` end to end against real `braked` processes: the command runs,
/// and its JSON holds every figure with sane values, so the benchmark keeps working between the
/// release runs whose figures go in the README.
@Suite(.enabled(if: MultiNode.isAvailable, "needs multi-node braked (brakectl node init)"))
struct BenchCommandTests {
    @Test(.timeLimit(.minutes(3)))
    func quickBenchWritesEveryFigure() async throws {
        let directory = "/tmp/bh-bench-" + UUID().uuidString.prefix(6).lowercased()
        let json = directory + ".json"
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: json)
        }
        let run = try await ToolRunner.run("brake-harness", ["bench", "--quick", "--dir", directory, "--json", json])
        try #require(run.status == 0, "bench --quick exited \(run.status):\n\(run.output.suffix(4_000))")
        let report = try JSONDecoder().decode(BenchReport.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
        let seen = "\n\(run.output.suffix(4_000))"

        #expect(report.machine.cores > 0 && !report.machine.cpuModel.isEmpty && report.machine.memoryGiB > 0, "\(report.machine)")
        #expect(report.federations.map(\.nodes) == [1, 3], "\(seen)")
        for federation in report.federations {
            let label = "\(federation.nodes) nodes"
            #expect(federation.submit.map(\.clients) == [1, 64], "\(label)\(seen)")
            for submit in federation.submit {
                #expect(submit.commits > 0 && submit.commitsPerSecond > 0, "\(label), \(submit.clients) clients: \(submit)")
                expectSane(submit.latency, "\(label), \(submit.clients) clients commit latency")
                #expect(submit.latency.count == submit.commits, "\(label): \(submit)")
            }
            #expect(federation.check.map(\.connections) == [16], "\(label)\(seen)")
            for check in federation.check {
                #expect(check.requests > 0 && check.requestsPerSecond > 0, "\(label): \(check)")
                expectSane(check.latency, "\(label), check latency")
            }
            #expect(federation.pauseEverywhere.count == 2, "\(label): \(federation.pauseEverywhere)")
            expectSane(federation.pauseEverywhere, "\(label), pause everywhere")
            #expect(federation.cpuSecondsPerThousandCommits > 0, "\(label): \(federation.cpuSecondsPerThousandCommits)")
            if federation.nodes >= 3 {
                let failover = try #require(federation.failover, "\(label): no failover figures")
                #expect(failover.count == 2, "\(label): \(failover)")
                expectSane(failover, "\(label), failover")
            } else {
                #expect(federation.failover == nil, "\(label): \(String(describing: federation.failover))")
            }
        }
        let restart = try #require(report.restart, "no restart figures\(seen)")
        #expect(restart.entries >= 300, "\(restart)")
        expectSane(restart.toAnswering, "restart to answering")
        expectSane(restart.toServing, "restart to serving")
        #expect(restart.toServing.p50Ms >= restart.toAnswering.p50Ms, "\(restart)")
        // Every target whose figure a quick run measures is there, with its ratio.
        #expect(report.targets.count == 6, "\(report.targets.map(\.figure))")
        for target in report.targets {
            #expect(target.measured > 0 && abs(target.ratio - target.measured / target.target) < 1e-9, "\(target)")
        }
        #expect(run.output.contains("restart"), "no table printed:\(seen)")
    }

    private func expectSane(_ figures: LatencyFigures, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(figures.count > 0, "\(what): \(figures)", sourceLocation: sourceLocation)
        #expect(figures.p50Ms > 0, "\(what): \(figures)", sourceLocation: sourceLocation)
        #expect(figures.p99Ms >= figures.p50Ms, "\(what): \(figures)", sourceLocation: sourceLocation)
        #expect(figures.maxMs >= figures.p99Ms, "\(what): \(figures)", sourceLocation: sourceLocation)
    }
}
