import BrakeCore
import BrakeHarness
import Foundation
import Testing

/// Gossip with real `braked` processes (issue 9 item 2, Specs/gossip.md): with the link from the
/// submitting node to the leader cut, the declaration still reaches the leader through another
/// node and commits on every node.
@Suite(.serialized, .enabled(if: MultiNode.isAvailable, "needs multi-node braked (brakectl node init)"))
struct GossipScenarioTests {
    @Test(.timeLimit(.minutes(2)))
    func declarationCommitsWithTheLinkToTheLeaderCut() async throws {
        try await withScenario(nodes: 3) { s in
            let f = s.federation
            let leader = try await f.waitForLeader()
            let submitter = try #require(f.numbers.first { $0 != leader })
            // The submitter's messages no longer reach the leader: its forward of the submission
            // is lost, and only gossip through the third node can carry the declaration.
            try await f.cut(from: submitter, to: leader)
            let envelope = try s.motion(.trigger, scope: "gossip/around-the-cut", signedBy: ["p\(submitter)"])
            let id = motionID(payload: envelope.payload)
            let reply = try await f.api(submitter).submit(envelope, timeout: .seconds(10))
            #expect(reply.status != 400 && reply.status != 409 && reply.status != 422, "the submitter refused a valid declaration: \(reply.status) \(reply.errorCode ?? "")")
            for n in f.numbers {
                try await Deadline.waitUntil("node \(n) to apply \(id.prefix(12))", timeout: .seconds(30), poll: .milliseconds(200)) {
                    guard let answer = try? await f.api(n).send(.GET, "/v1/motions/\(id)", timeout: .seconds(2)) else { return false }
                    return answer.status == 200
                }
            }
            // It left every pool once committed.
            for n in f.numbers {
                try await Deadline.waitUntil("node \(n)'s pool to drain", timeout: .seconds(10), poll: .milliseconds(200)) {
                    ((try? await f.api(n).status(timeout: .seconds(1)).poolDeclarations) ?? -1) == 0
                }
            }
        }
    }
}
