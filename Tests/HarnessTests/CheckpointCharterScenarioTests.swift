import BrakeCore
import BrakeHarness
import BrakeLog
import Foundation
import Testing

/// Checkpoints follow the chain of charters with real processes (issue 11 item 4, `Specs/log.md`
/// 7.4): after an amendment adds a node and another removes a genesis node, checkpoints become
/// final again under the nodes of the charter in force after their last leaf, the added node's
/// cosignature counting (also after it restarted), and a bundle exported then verifies with
/// `brakectl verify` from the genesis charter alone; a flipped byte of a cosignature still fails.
@Suite("Checkpoints follow the charter (real processes)", .serialized, .enabled(if: MultiNode.isAvailable))
struct CheckpointCharterScenarioTests {
    @Test("after the genesis nodes change, checkpoints are final under the new nodes and an export verifies from genesis", .timeLimit(.minutes(4)))
    func exportAfterNodeChange() async throws {
        try await withScenario(nodes: 3, joining: 1) { s in
            let f = s.federation
            try await f.start(4)
            var added = s.charter
            added.parties.append(try s.party(4))
            added.nodes.append(try s.nodeEntry(4))
            try await s.submitUntilAcknowledged(try s.amendment(from: s.charter, to: added, signedBy: ["p1", "p2", "p4"]), to: [1, 2, 3])
            try await s.waitMembership(voters: ["node-1", "node-2", "node-3", "node-4"], on: [1, 2, 3, 4])

            // A genesis node that does not lead leaves (leadership hand-over is not what this is about).
            let leader = try await f.api(4).status().leader ?? ""
            let leaving = Self.firstNode([1, 2, 3], notNamed: leader)
            var removed = added
            removed.nodes.removeAll { $0.id == FederationPlan.nodeID(leaving) }
            let staying = [1, 2, 3, 4].filter { $0 != leaving }
            try await s.submitUntilAcknowledged(try s.amendment(from: added, to: removed, signedBy: ["p1", "p2", "p4"]), to: staying)
            try await s.waitMembership(voters: staying.map(FederationPlan.nodeID), on: staying)

            // Another genesis node goes down: of the genesis nodes only one runs, so a checkpoint can
            // be final only with node-4's cosignature, counted under the amended charter. Node-4
            // restarts first: it must learn again from its store from which size that charter judges.
            let genesisUp = staying.filter { $0 != 4 }
            let down = Self.firstNode(genesisUp, notNamed: leader)
            let kept = Self.firstNode(genesisUp, notNamed: FederationPlan.nodeID(down))
            try await f.kill(down)
            try await f.restart(4)
            var last: UInt64 = 0
            for n in 0..<3 {
                let motion = try s.motion(.trigger, scope: "checkpoint-charter/run-\(n)", signedBy: ["p1"])
                last = try await s.submitUntilAcknowledged(motion, to: [kept, 4], timeout: .seconds(30)).index
            }
            var seen: [Int: String] = [:]
            do {
                try await Deadline.waitUntil("a final checkpoint through entry \(last) on nodes \(kept) and 4", timeout: .seconds(40)) {
                    for n in [kept, 4] {
                        let reply = try? await f.api(n).send(.GET, "/v1/checkpoint")
                        seen[n] = reply.map { String(decoding: $0.body, as: UTF8.self) } ?? "no answer"
                    }
                    return [kept, 4].allSatisfy { n in
                        let json = (try? JSONSerialization.jsonObject(with: Data((seen[n] ?? "").utf8))) as? [String: Any]
                        return json?["final"] as? Bool == true && UInt64(json?["appliedIndex"] as? Int ?? 0) >= last
                    }
                }
            } catch {
                throw HarnessError(.timeout, "\(error); checkpoints: \(seen.sorted { $0.key < $1.key })")
            }
            let json = try #require(try JSONSerialization.jsonObject(with: Data((seen[kept] ?? "").utf8)) as? [String: Any])
            let note = try SignedCheckpoint(text: try #require(json["note"] as? String))
            let verified = try note.verifiedCosigners(SignedCheckpoint.cosigners(of: removed))
            #expect(verified.count >= SignedCheckpoint.quorum(of: removed), "cosigners under the amended charter: \(verified.sorted())")
            #expect(verified.contains(Cosignature.keyName(origin: s.charter.federation, node: "node-4")), "\(verified.sorted())")
            let underGenesis = try note.verifiedCosigners(SignedCheckpoint.cosigners(of: s.charter))
            #expect(underGenesis.count < SignedCheckpoint.quorum(of: s.charter), "final under genesis too: the test would prove nothing")
            #expect(json["quorum"] as? Int == SignedCheckpoint.quorum(of: removed))
            #expect(Set(json["cosigners"] as? [String] ?? []) == Set([FederationPlan.nodeID(kept), "node-4"]), "\(json)")

            // Export, holding the genesis charter file, and verify on no node.
            let socket = try f.api(kept).socket
            let bundle = s.layout.directory + "/after-change.bundle"
            let exported = try CheckpointScenarioTests.brakectl(["export", "--out", bundle, "--charter", s.layout.charter, "--socket", socket])
            #expect(exported.status == 0, "brakectl export: \(exported.status) \(exported.output)")
            let checked = try CheckpointScenarioTests.brakectl(["verify", bundle])
            #expect(checked.status == 0 && checked.output.contains("cosigned by 2 of 3 nodes"), "brakectl verify: \(checked.status) \(checked.output)")

            // One flipped byte in node-4's cosignature: the bundle no longer verifies.
            let tampered = s.layout.directory + "/flipped.bundle"
            try Self.flipCosignature(of: "node-4", federation: s.charter.federation, in: bundle, to: tampered)
            let refused = try CheckpointScenarioTests.brakectl(["verify", tampered])
            #expect(refused.status != 0 && refused.output.contains("cosignature"), "brakectl verify of a flipped cosignature: \(refused.status) \(refused.output)")
        }
    }

    /// The first of `nodes` whose id is not `id` (the first of `nodes` if all are).
    static func firstNode(_ nodes: [Int], notNamed id: String) -> Int {
        nodes.first { FederationPlan.nodeID($0) != id } ?? nodes[0]
    }

    /// Copies the bundle at `path` to `out` with one bit flipped in `node`'s cosignature of its checkpoint note.
    static func flipCosignature(of node: String, federation: String, in path: String, to out: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let header = try #require(text.split(separator: "\n", maxSplits: 1).first.map(String.init))
        let headerJSON = try #require(try JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String: Any])
        let bundled = try SignedCheckpoint(text: try #require((headerJSON["checkpoint"] as? [String: Any])?["note"] as? String))
        let original = try #require(bundled.cosignature(keyName: Cosignature.keyName(origin: federation, node: node)))
        var bytes = original.signature
        bytes[bytes.count - 1] ^= 1
        let flipped = Cosignature(keyName: original.keyName, keyID: original.keyID, timestamp: original.timestamp, signature: bytes)
        let line = original.line.trimmingCharacters(in: .newlines)
        try #require(text.contains(line), "the bundle carries \(node)'s cosignature line")
        try text.replacingOccurrences(of: line, with: flipped.line.trimmingCharacters(in: .newlines))
            .write(toFile: out, atomically: true, encoding: .utf8)
    }
}
