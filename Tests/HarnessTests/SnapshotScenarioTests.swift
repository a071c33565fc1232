import BrakeCore
import BrakeHarness
import Foundation
import Testing

/// A node that was down while the others compacted their logs catches up by a snapshot streamed
/// in chunks, and a node killed while a snapshot reaches it restarts consistent (the install is one
/// transaction; a store whose registry and log disagree would refuse to start).
@Suite(.serialized, .enabled(if: MultiNode.isAvailable, "needs multi-node braked (brakectl node init)"))
struct SnapshotScenarioTests {
    @Test(.timeLimit(.minutes(3)))
    func nodeDownAcrossCompactionCatchesUpBySnapshotAndSurvivesAKillDuringIt() async throws {
        var timing = NodeTiming()
        timing.snapshotInterval = 10
        try await withScenario(nodes: 3, timing: timing) { s in
            let leader = try await s.federation.waitForLeader()
            let lagging = try #require(s.federation.numbers.first { $0 != leader })
            let others = s.federation.numbers.filter { $0 != lagging }
            try await s.federation.kill(lagging)
            for k in 0..<35 {
                let trigger = try s.motion(.trigger, scope: "snap/\(k)", signedBy: ["p1", "p2"])
                try await s.submitUntilAcknowledged(trigger, to: others)
            }
            try await Deadline.waitUntil("the running nodes compacted past index 30", timeout: .seconds(20)) {
                for n in others where ((try? await s.federation.api(n).status(timeout: .seconds(1)).snapshotIndex) ?? 0) < 30 { return false }
                return true
            }

            // Start it, and kill it again as soon as it answers: a snapshot is on its way then.
            try await s.federation.restart(lagging)
            try await Deadline.waitUntil("node \(lagging) answering after its restart", timeout: .seconds(20), poll: .milliseconds(5)) {
                (try? await s.federation.api(lagging).status(timeout: .milliseconds(500))) != nil
            }
            try await s.federation.kill(lagging)
            try await s.federation.restart(lagging)

            let target = try #require(try await s.federation.api(leader).status().commitIndex)
            try await Deadline.waitUntil("node \(lagging) applied through \(target) from a snapshot", timeout: .seconds(30)) {
                guard let status = try? await s.federation.api(lagging).status(timeout: .seconds(1)) else { return false }
                return (status.appliedIndex ?? 0) >= target && (status.snapshotIndex ?? 0) >= 30
            }
            var digests: [Int: String] = [:]
            try await Deadline.waitUntil("equal registry digests on every node", timeout: .seconds(10)) {
                for n in s.federation.numbers {
                    digests[n] = (try? await s.federation.api(n).status(timeout: .seconds(1)).registryDigest) ?? "none"
                }
                return Set(digests.values).count == 1 && digests.values.first != "none"
            }
            try await s.waitVerdict("paused", scope: "snap/0/x", on: s.federation.numbers)
        }
    }
}
