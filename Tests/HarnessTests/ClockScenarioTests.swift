import BrakeCore
import BrakeHarness
import Foundation
import Testing

/// Bounded time with real `braked` processes (issue 9 item 5, Specs/time.md): a node started with
/// its wall clock a day ahead (the test-only `BRAKE_TEST_WALL_CLOCK_OFFSET_MS`) becomes leader,
/// stamps a declaration with that clock, and the follower refuses it; the leader is replaced,
/// nothing it stamped commits, and the federation commits again under another leader.
@Suite(.serialized, .enabled(if: MultiNode.isAvailable, "needs multi-node braked (brakectl node init)"))
struct ClockScenarioTests {
    static let day: Int64 = 86_400_000

    @Test(.timeLimit(.minutes(2)))
    func leaderWithClockADayAheadIsReplacedAndNothingItStampedCommits() async throws {
        try await withScenario(nodes: 3) { s in
            let (runaway, lagging, other) = (1, 3, 2)
            let f = s.federation

            // Make the runaway node the only one that can win the next election: commit an entry
            // that `lagging` lacks, then stop `other`, so that only `runaway` has the longer log.
            try await f.partition([[runaway, other], [lagging]])
            _ = try await f.waitForLeader(among: [runaway, other], timeout: .seconds(15))
            let first = try s.motion(.trigger, scope: "clock/before", signedBy: ["p1"])
            try await s.submitUntilAcknowledged(first, to: [runaway, other])
            try await f.kill(other)
            try await f.restart(runaway, environment: ["BRAKE_TEST_WALL_CLOCK_OFFSET_MS": String(Self.day)])
            await f.heal()
            try await Deadline.waitUntil("node \(runaway), a day ahead, to lead", timeout: .seconds(20)) {
                await f.leader(among: [runaway, lagging]) == runaway
            }
            let runawayTerm = try await f.api(runaway).status().term ?? 0
            // Its no-op carries no stamp: the follower accepts it, and it commits.
            try await Deadline.waitUntil("node \(runaway)'s no-op to commit", timeout: .seconds(10)) {
                guard let status = try? await f.api(runaway).status(timeout: .seconds(1)) else { return false }
                return status.role == "leader" && status.term == runawayTerm && status.commitIndex == status.lastIndex
            }

            // It stamps a declaration (open for two days, so that it is not expired at its clock).
            let stamped = try s.motion(.trigger, scope: "clock/stamped", signedBy: ["p1"], lifetimeMillis: 2 * Self.day)
            let stampedID = motionID(payload: stamped.payload)
            let submission = Task { await Workload.outcome(of: stamped, on: f, node: runaway) }
            try await Deadline.waitUntil("node \(lagging) to refuse an append stamped a day ahead", timeout: .seconds(10)) {
                ((try? await f.api(lagging).status(timeout: .seconds(1)).clockRefusedAppends) ?? 0) >= 1
            }
            let outcome = await submission.value
            let acknowledged = if case .acknowledged = outcome { true } else { false }
            #expect(!acknowledged, "the runaway leader acknowledged \(stampedID.prefix(12)): \(outcome)")

            // With `other` back, the two nodes with correct clocks elect one of them and commit.
            try await f.start(other)
            var newLeader: Int?
            try await Deadline.waitUntil("a leader other than node \(runaway) in a later term", timeout: .seconds(20)) {
                guard let leader = await f.leader(), leader != runaway else { return false }
                let term = (try? await f.api(leader).status(timeout: .seconds(1)).term) ?? 0
                newLeader = leader
                return term > runawayTerm
            }
            let after = try s.motion(.trigger, scope: "clock/after", signedBy: ["p2"])
            let answer = try await s.submitUntilAcknowledged(after, to: [other, lagging], timeout: .seconds(20))
            #expect(answer.state == "open")
            #expect(newLeader != runaway)

            // Every node, the runaway one included once it follows, holds the committed entry after
            // the handover, and no node's committed log holds anything the runaway leader stamped.
            var applied: [Int: UInt64] = [:]
            do {
                try await Deadline.waitUntil("every node to apply index \(answer.index)", timeout: .seconds(20)) {
                    for n in f.numbers {
                        applied[n] = (try? await f.api(n).status(timeout: .seconds(1)).appliedIndex) ?? 0
                    }
                    return f.numbers.allSatisfy { (applied[$0] ?? 0) >= answer.index }
                }
            } catch {
                throw HarnessError(.timeout, "\(error); applied indexes: \(applied.sorted { $0.key < $1.key })")
            }
            let latestAllowed = Int64(Date().timeIntervalSince1970 * 1000) + s.charter.clockSkewMillis
            for n in f.numbers {
                let log = try await f.api(n).log()
                let ids = log.compactMap { $0.declaration.map { motionID(payload: $0.payload) } }
                // The declaration itself was valid: gossip carried it from the runaway's pending pool
                // to the others, and an honest leader may commit it (Specs/gossip.md). The entry the
                // runaway stamped never commits: any entry of it carries an honest stamp.
                let stampedEntries = log.filter { $0.declaration.map { motionID(payload: $0.payload) } == stampedID }
                for entry in stampedEntries {
                    let time = try entry.time.map { try RFC3339.parse($0) } ?? .max
                    #expect(time <= latestAllowed, "node \(n) committed the entry the runaway leader stamped (\(entry.time ?? "no time"))")
                }
                #expect(ids.contains(motionID(payload: after.payload)), "node \(n) lacks the entry committed after the handover")
                let late = try log.compactMap { entry in try entry.time.map { try RFC3339.parse($0) } }.filter { $0 > latestAllowed }
                #expect(late.isEmpty, "node \(n) committed entries stamped beyond its clock plus the skew: \(late.map(RFC3339.format))")
            }
            #expect(await f.leader() != runaway)
        }
    }
}
