import BrakeCore
import BrakeHarness
import Foundation
import Testing

/// Real `braked` processes behind the harness's proxies (issue 6, "What the tests must show").
/// Skipped until the built braked can run a multi-node federation (`brakectl node init`).
@Suite(.serialized, .enabled(if: MultiNode.isAvailable, "needs multi-node braked (brakectl node init)"))
struct ScenarioTests {
    @Test(.timeLimit(.minutes(2)))
    func motionSignedByEnoughPartiesPausesEveryNode() async throws {
        try await withScenario(nodes: 5) { s in
            try await s.waitVerdict("clear", scope: "training/frontier", on: s.federation.numbers)
            let trigger = try s.motion(.trigger, scope: "training", signedBy: ["p1", "p2"])
            let answer = try await s.submitUntilAcknowledged(trigger, to: [3])
            #expect(answer.state == "passed")
            try await s.waitVerdict("paused", scope: "training/frontier", on: s.federation.numbers)
            // Every node reports its peer links in /metrics: connections both ways, frames moved.
            for n in s.federation.numbers {
                let text = String(decoding: try await s.federation.api(n).send(.GET, "/metrics").body, as: UTF8.self)
                let value = { (name: String) -> Double in
                    text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) } ?? -1
                }
                #expect(value("brake_peer_connections_out") == 4, "node \(n): \(value("brake_peer_connections_out")) outbound links")
                #expect(value("brake_peer_frames_in_total") > 0)
                #expect(value("brake_peer_refused_handshakes_total") == 0)
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func isolatedLeaderIsReplacedAndStepsDownWhileTheMajorityCommits() async throws {
        try await withScenario(nodes: 5) { s in
            let old = try await s.federation.waitForLeader()
            let oldTerm = try await s.federation.api(old).status().term ?? 0
            try await s.federation.isolate(old)
            let others = s.federation.numbers.filter { $0 != old }
            let new = try await s.federation.waitForLeader(among: others, timeout: .seconds(10))
            let newTerm = try await s.federation.api(new).status().term ?? 0
            #expect(newTerm > oldTerm)
            try await Deadline.waitUntil("old leader node \(old) to step down", timeout: .seconds(10)) {
                (try? await s.federation.api(old).status(timeout: .seconds(1)).role) != "leader"
            }
            let trigger = try s.motion(.trigger, scope: "training", signedBy: ["p2", "p3"])
            let answer = try await s.submitUntilAcknowledged(trigger, to: others)
            #expect(answer.state == "passed")
            try await s.waitVerdict("paused", scope: "training", on: others)
            // Isolated for longer than the staleness bound, the old leader may not say clear.
            let verdict = try await s.federation.api(old).check("training", maxStalenessMillis: 500).verdict
            #expect(verdict != "clear")
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func minorityCannotLiftAndLogsAgreeAfterHeal() async throws {
        try await withScenario(nodes: 5) { s in
            let trigger = try s.motion(.trigger, scope: "training", signedBy: ["p1", "p3"])
            try await s.submitUntilAcknowledged(trigger, to: [1, 2, 3])
            try await s.waitVerdict("paused", scope: "training", on: s.federation.numbers)
            try await s.federation.partition([[1, 2], [3, 4, 5]])
            let pauseID = motionID(payload: trigger.payload)
            let lift = try s.motion(.lift, scope: "training", pause: pauseID, signedBy: ["p1", "p2", "p4"])
            // For a few seconds, neither minority node gets the lift committed.
            let until = ContinuousClock.now + .seconds(4)
            while ContinuousClock.now < until {
                for n in [1, 2] {
                    let outcome = await Workload.outcome(of: lift, on: s.federation, node: n)
                    if case .acknowledged = outcome { Issue.record("minority node \(n) acknowledged a lift: \(outcome)") }
                }
            }
            try await s.waitVerdict("paused", scope: "training", on: [3, 4, 5])
            await s.federation.heal()
            let settled = try await s.federation.waitSettled()
            let finals = await s.federation.finalStates()
            let found = HistoryChecker(charter: s.charter).violations(history: History(), finals: finals)
            #expect(found.isEmpty, "\(found)\n\(ReportTable.render(settled))")
            #expect(finals.allSatisfy { $0.log == finals[0].log && $0.log?.isEmpty == false })
            let digests = Set(finals.map(\.registryDigest))
            #expect(digests.count == 1, "registry digests differ: \(digests)")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func killedLeaderLosesNoAcknowledgedSubmissionAndOthersCommitWithinASecond() async throws {
        try await withScenario(nodes: 5) { s in
            let recorder = HistoryRecorder()
            let leader = try await s.federation.waitForLeader()
            let others = s.federation.numbers.filter { $0 != leader }
            let killedAt = RecordedTime()
            let stream = Task {
                var k = 0
                while !Task.isCancelled, k < 400 {
                    let envelope = try s.motion(.trigger, scope: "stream/\(k)", signedBy: ["p1", "p2"])
                    let node = s.federation.numbers[k % 5]
                    let invoked = recorder.now()
                    let outcome = await Workload.outcome(of: envelope, on: s.federation, node: node)
                    recorder.record(SubmitRecord(
                        node: node, motionID: motionID(payload: envelope.payload), kind: "trigger", scope: "stream/\(k)",
                        signer: "p2", signature: Data(envelope.signatures[1].sig).base64EncodedString(),
                        invokedAt: invoked, completedAt: recorder.now(), outcome: outcome
                    ))
                    k += 1
                }
            }
            try await Deadline.waitUntil("10 acknowledged submissions before the kill", timeout: .seconds(20)) {
                recorder.snapshot.submits.count(where: \.isAcknowledged) >= 10
            }
            try await s.federation.kill(leader)
            let killed = ContinuousClock.now
            killedAt.set(recorder.now())
            // Probes, started every 50 ms on the survivors and not waiting for each other, measure
            // failover itself: a probe caught forwarding to the dead leader must not delay the next.
            let failover = try await Self.firstAcknowledgement(s, on: others, since: killed)
            #expect(failover < .seconds(1), "the first commit after the kill took \(failover)")
            try await Deadline.waitUntil("10 acknowledgements of the stream after the kill", timeout: .seconds(30)) {
                recorder.snapshot.submits.count { $0.isAcknowledged && $0.invokedAt > killedAt.value } >= 10
            }
            stream.cancel()
            _ = await stream.result
            try await s.federation.restart(leader)
            _ = try await s.federation.waitSettled()
            let found = HistoryChecker(charter: s.charter).violations(history: recorder.snapshot, finals: await s.federation.finalStates())
            #expect(found.isEmpty, "\(found)")
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func stoppedNodeSaysUnknownNeverClearAfterContThenPaused() async throws {
        try await withScenario(nodes: 5) { s in
            let leader = try await s.federation.waitForLeader()
            let stopped = s.federation.numbers.first { $0 != leader }!
            let others = s.federation.numbers.filter { $0 != stopped }
            try await s.waitVerdict("clear", scope: "training", on: [stopped])
            try await s.federation.stop(stopped)
            let stoppedAt = ContinuousClock.now
            let trigger = try s.motion(.trigger, scope: "training", signedBy: ["p1", "p2"])
            try await s.submitUntilAcknowledged(trigger, to: others)
            try await s.waitVerdict("paused", scope: "training", on: others)
            // Stay stopped past the staleness bound the checks use.
            try await Deadline.waitUntil("1.5 s of stop", timeout: .seconds(5)) { ContinuousClock.now - stoppedAt > .milliseconds(1_500) }
            try await s.federation.cont(stopped)
            var verdicts: [String] = []
            try await Deadline.waitUntil("node \(stopped) to answer paused after SIGCONT", timeout: .seconds(10), poll: .milliseconds(20)) {
                let verdict = (try? await s.federation.api(stopped).check("training", maxStalenessMillis: 1_000, timeout: .seconds(2)).verdict) ?? "no answer"
                verdicts.append(verdict)
                return verdict == "paused"
            }
            #expect(!verdicts.contains("clear"), "after SIGCONT node \(stopped) answered \(verdicts)")
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func shortChaosRunPasses() async throws {
        let directory = "/tmp/bh-chaos-" + UUID().uuidString.prefix(6).lowercased()
        var options = ChaosRunner.Options(directory: directory)
        options.nodes = 5
        options.schedules = 2
        options.steps = 4
        options.seed = UInt64(ProcessInfo.processInfo.environment["BRAKE_CHAOS_SEED"] ?? "") ?? 1
        if let extra = ProcessInfo.processInfo.environment["BRAKE_CHAOS_SCHEDULES"].flatMap(Int.init) { options.schedules = extra }
        let results = await ChaosRunner(options: options) { print($0) }.run()
        #expect(results.count == options.schedules)
        for result in results {
            #expect(result.passed, "\(result.schedule.replayCommand): \(result.error ?? "") \(result.violations)")
            #expect(result.acknowledged > 0, "\(result.schedule.replayCommand): nothing was acknowledged")
        }
        if results.allSatisfy(\.passed) { try? FileManager.default.removeItem(atPath: directory) }
    }
}

extension ScenarioTests {
    /// Starts a fully signed trigger on a survivor every 50 ms, each in its own task, until one is
    /// acknowledged; returns how long after `since` that was.
    static func firstAcknowledgement(_ s: Scenario, on nodes: [Int], since: ContinuousClock.Instant) async throws -> Duration {
        let first = FirstInstant()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for k in 0..<200 where first.value == nil {
                let envelope = try s.motion(.trigger, scope: "failover/\(k)", signedBy: ["p3", "p4"])
                let node = nodes[k % nodes.count]
                group.addTask {
                    guard case .acknowledged = await Workload.outcome(of: envelope, on: s.federation, node: node) else { return }
                    first.note(ContinuousClock.now)
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            try await group.waitForAll()
        }
        guard let at = first.value else {
            throw HarnessError(.timeout, "no probe was acknowledged within 10 s of the kill")
        }
        return at - since
    }
}

/// The earliest of the instants noted by concurrent probes.
final class FirstInstant: Sendable {
    private let stored = Mutex<ContinuousClock.Instant?>(nil)
    var value: ContinuousClock.Instant? { stored.withLock { $0 } }
    func note(_ instant: ContinuousClock.Instant) { stored.withLock { $0 = min($0 ?? instant, instant) } }
}

/// A time shared between the test and its stream task.
final class RecordedTime: Sendable {
    private let stored = Mutex(Double.infinity)
    var value: Double { stored.withLock { $0 } }
    func set(_ value: Double) { stored.withLock { $0 = value } }
}

extension SubmitRecord {
    var isAcknowledged: Bool {
        if case .acknowledged = outcome { return true }
        return false
    }
}

import Synchronization
