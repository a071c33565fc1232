import BrakeCore
import BrakeHarness
import Foundation
import Testing

/// The self-certifying trigger with real `braked` processes (issue 9 item 4, Specs/gossip.md): a
/// 2-node minority of a 5-node federation that holds a fully signed trigger answers "paused
/// (pending commit)" while cut off; a lift signed on the minority side takes no effect there
/// (the minority never answers clear) nor on the majority, until the partition heals and it commits.
@Suite(.serialized, .enabled(if: MultiNode.isAvailable, "needs multi-node braked (brakectl node init)"))
struct PendingTriggerScenarioTests {
    @Test(.timeLimit(.minutes(3)))
    func minorityHoldsAFullySignedTriggerAndALiftWaitsForCommit() async throws {
        try await withScenario(nodes: 5) { s in
            let f = s.federation
            // A pause in force everywhere before the partition: the lift will target it.
            let held = try s.motion(.trigger, scope: "pending/held", signedBy: ["p1", "p2"])
            let heldID = motionID(payload: held.payload)
            try await s.submitUntilAcknowledged(held, to: f.numbers)
            try await s.waitVerdict("paused", scope: "pending/held", on: f.numbers)

            // The minority: two nodes that do not lead.
            let leader = try await f.waitForLeader()
            let minority = Array(f.numbers.filter { $0 != leader }.prefix(2))
            let majority = f.numbers.filter { !minority.contains($0) }
            try await f.partition([minority, majority])

            // A trigger signed by the trigger policy's two parties, submitted on the minority side.
            let trigger = try s.motion(.trigger, scope: "pending/minority", signedBy: ["p\(minority[0])", "p\(minority[1])"])
            _ = try? await f.api(minority[0]).submit(trigger, timeout: .seconds(5))
            for n in minority {
                try await Deadline.waitUntil("node \(n) to answer paused (pending commit)", timeout: .seconds(20), poll: .milliseconds(200)) {
                    guard let answer = try? await f.api(n).check("pending/minority/run", maxStalenessMillis: 2_000) else { return false }
                    return answer.verdict == "paused" && answer.pending == true
                }
            }
            // The majority never saw it: it answers clear, and commits nothing of it.
            try await s.waitVerdict("clear", scope: "pending/minority/run", on: majority)

            // A lift of the held pause, signed on the minority side by a majority of parties with a
            // government (the lift policy): it takes no effect while it cannot commit.
            let lifters = ["p\(minority[0])", "p\(minority[1])"] + majority.prefix(1).map { "p\($0)" }
            let liftSigners = lifters.contains { ["p2", "p4"].contains($0) } ? lifters : lifters + ["p2"]
            let lift = try s.motion(.lift, scope: "pending/held", pause: heldID, signedBy: liftSigners)
            _ = try? await f.api(minority[0]).submit(lift, timeout: .seconds(5))
            // Both minority nodes hold the trigger and the lift in their pools...
            for n in minority {
                try await Deadline.waitUntil("node \(n) to pool the trigger and the lift", timeout: .seconds(20), poll: .milliseconds(200)) {
                    ((try? await f.api(n).status(timeout: .seconds(1)).poolDeclarations) ?? 0) >= 2
                }
            }
            // ...and neither answers clear for the held pause; the majority still answers paused.
            for n in minority {
                let verdict = try await f.api(n).check("pending/held", maxStalenessMillis: 2_000).verdict
                #expect(verdict != "clear", "node \(n) of the minority answered clear for a pause whose lift has not committed")
            }
            try await s.waitVerdict("paused", scope: "pending/held", on: majority)

            // Heal: the trigger and the lift commit; the held pause is lifted everywhere and the
            // minority's trigger is a committed pause everywhere (no longer pending).
            await f.heal()
            try await s.waitVerdict("clear", scope: "pending/held", on: f.numbers, timeout: .seconds(30))
            try await s.waitVerdict("paused", scope: "pending/minority/run", on: f.numbers, timeout: .seconds(30))
            for n in f.numbers {
                let answer = try await f.api(n).check("pending/minority/run", maxStalenessMillis: 2_000)
                #expect(answer.pending != true, "node \(n) still calls the committed trigger pending")
            }
        }
    }
}
