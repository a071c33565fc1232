import BrakeCore
import BrakeFiles
import BrakeHarness
import Foundation
import Testing

/// A node joins a federation whose genesis nodes are gone (Specs/membership.md, "Joining nodes"):
/// its genesis charter names only nodes that no longer run, so it reaches the federation through
/// the `introducers` of its config.
@Suite("Joining through introducers (real processes)", .serialized, .enabled(if: MultiNode.isAvailable))
struct IntroducerScenarioTests {
    @Test("a node joins through introducers after every genesis node left", .timeLimit(.minutes(4)))
    func joinThroughIntroducers() async throws {
        try await withScenario(nodes: 3, joining: 3) { s in
            // Nodes 4 and 5 join while the genesis nodes run.
            try await s.federation.start(4)
            try await s.federation.start(5)
            let grown = try s.charter(s.charter, adding: [4, 5])
            let growth = try s.amendment(from: s.charter, to: grown, signedBy: ["p1", "p2", "p4", "p5"])
            try await s.submitUntilAcknowledged(growth, to: [1, 2, 3])
            try await s.waitMembership(voters: ["node-1", "node-2", "node-3", "node-4", "node-5"], on: [1, 2, 3, 4, 5], timeout: .seconds(60))
            // Every genesis node leaves the charter (their parties stay), then stops for good.
            var moved = grown
            moved.nodes.removeAll { ["node-1", "node-2", "node-3"].contains($0.id) }
            let move = try s.amendment(from: grown, to: moved, signedBy: ["p1", "p2", "p3"])
            try await s.submitUntilAcknowledged(move, to: [4, 5, 1, 2, 3])
            try await s.waitMembership(voters: ["node-4", "node-5"], on: [4, 5], timeout: .seconds(60))
            try await s.federation.kill(1)
            try await s.federation.kill(2)
            try await s.federation.kill(3)
            // Node 6 starts with the genesis charter: only its introducers lead it to nodes 4 and 5.
            try s.addIntroducers([4, 5], to: 6)
            try await s.federation.start(6)
            let joined = try s.charter(moved, adding: [6])
            let join = try s.amendment(from: moved, to: joined, signedBy: ["p4", "p5", "p1", "p6"])
            try await s.submitUntilAcknowledged(join, to: [4, 5])
            try await s.waitMembership(voters: ["node-4", "node-5", "node-6"], on: [4, 5, 6], timeout: .seconds(60))
            try await s.waitSameRegistry(on: [4, 5, 6])
        }
    }
}

extension Scenario {
    /// `charter` with the parties and nodes numbered `numbers` added.
    func charter(_ charter: Charter, adding numbers: [Int]) throws -> Charter {
        var next = charter
        for n in numbers {
            next.parties.append(try party(n))
            next.nodes.append(try nodeEntry(n))
        }
        return next
    }

    /// Adds `"introducers"` (the `node.pub.json` of each of `introducers`) to node `n`'s config.
    func addIntroducers(_ introducers: [Int], to n: Int) throws {
        let node = try layout.node(n)
        let data = try Data(contentsOf: URL(fileURLWithPath: node.config))
        var config = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        config["introducers"] = try introducers.map { try layout.node($0).identity + "/node.pub.json" }
        let out = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try out.write(to: URL(fileURLWithPath: node.config))
    }
}
