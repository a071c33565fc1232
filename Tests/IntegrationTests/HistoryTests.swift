import BrakeCore
import BrakeLog
import Foundation
import Testing

/// The permanent history on a real `braked --dev`: after Raft compacts its log, `/v1/log` still serves
/// from entry 1, the checkpoint's root is the tree of the logged declarations recomputed here, and
/// `brakectl proof` verifies inclusion of the first declaration and consistency with an earlier head.
@Suite("History after compaction", .serialized)
struct HistoryTests {
    @Test("the log and its proofs outlive compaction")
    func historyOutlivesCompaction() async throws {
        let node = try await BrakedProcess(
            dataDirectory: BrakedProcess.temporaryDirectory(), arguments: ["--snapshot-interval", "5"])
        defer { _ = node.terminate() }
        let charter = try node.charter()
        let labA = try node.key("lab-a")

        // The first declaration, and the tree head right after it.
        var indexes: [Int] = []
        func submit(_ n: Int) async throws {
            let motion = try motionEnvelope(charter: charter, kind: "trigger", scope: "history/run-\(n)", proposer: "lab-a", signers: [labA])
            let reply = try await node.post("/v1/declarations", body: motion.jsonBytes())
            let index = try #require(reply.json["index"] as? Int, "submission \(n): status \(reply.status), \(text(reply))")
            #expect(reply.status == 200, "submission \(n): \(text(reply))")
            indexes.append(index)
        }
        /// The node's checkpoint once it holds `size` leaves (checkpoints are periodic).
        func checkpointHolding(_ size: Int, on node: BrakedProcess) async throws -> BrakedProcess.Reply {
            var reply = try await node.get("/v1/checkpoint")
            let deadline = Date().addingTimeInterval(15)
            while reply.json["size"] as? Int != size, Date() < deadline {
                try await Task.sleep(for: .milliseconds(100))
                reply = try await node.get("/v1/checkpoint")
            }
            return reply
        }
        try await submit(0)
        let early = try await checkpointHolding(1, on: node)
        let earlySize = try #require(early.json["size"] as? Int, "\(text(early))")
        let earlyRoot = try #require(early.json["root"] as? String, "\(text(early))")
        #expect(earlySize == 1, "one declaration, one leaf: \(text(early))")

        // More than twice the snapshot interval, then wait until the node compacted its log.
        for n in 1...11 { try await submit(n) }
        var status: [String: Any] = [:]
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            status = try await node.get("/v1/status").json
            if (status["snapshotIndex"] as? Int ?? 0) > indexes[0] { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let snapshotIndex = status["snapshotIndex"] as? Int ?? 0
        try #require(snapshotIndex > indexes[0], "no snapshot past entry \(indexes[0]) within 20 s; status \(status)")

        // The log from entry 1, though Raft dropped every entry through the snapshot.
        let log = try await node.get("/v1/log?from=1&limit=1000")
        #expect(log.status == 200, "\(text(log))")
        let entries = log.json["entries"] as? [[String: Any]] ?? []
        let applied = status["appliedIndex"] as? Int ?? -1
        #expect(entries.first?["index"] as? Int == 1, "the log starts at \(entries.first?["index"] ?? "nothing"), not 1: \(text(log))")
        #expect(entries.count >= applied, "the log holds \(entries.count) entries; applied is \(applied)")
        #expect(entries.compactMap { $0["index"] as? Int } == Array(1...entries.count), "the log has a gap: \(entries.map { $0["index"] ?? "?" })")

        // The checkpoint's root is the tree of the logged declarations, recomputed here.
        var leaves: [[UInt8]] = []
        for entry in entries where entry["noop"] as? Bool == false {
            let index = try #require((entry["index"] as? NSNumber)?.uint64Value)
            let time = try #require((entry["timeMillis"] as? NSNumber)?.int64Value, "entry \(index) has no time: \(entry)")
            let object = try #require(entry["declaration"] as? [String: Any], "entry \(index) has no declaration: \(entry)")
            let envelope = try Envelope(json: Array(try JSONSerialization.data(withJSONObject: object)))
            #expect(entry["leafIndex"] as? Int == leaves.count, "entry \(index) is leaf \(entry["leafIndex"] ?? "none"), expected \(leaves.count)")
            leaves.append(LogLeaf(entryIndex: index, time: time, envelope: envelope).bytes)
        }
        #expect(leaves.count == indexes.count, "\(leaves.count) leaves for \(indexes.count) declarations")
        let checkpoint = try await checkpointHolding(leaves.count, on: node)
        #expect(checkpoint.json["final"] as? Bool == true, "\(text(checkpoint))")
        let size = try #require(checkpoint.json["size"] as? Int, "\(text(checkpoint))")
        let root = try #require(checkpoint.json["root"] as? String, "\(text(checkpoint))")
        let recomputed = InMemoryMerkleNodes(leaves: leaves).frontier
        #expect(size == leaves.count && root == Data(recomputed.root.bytes).base64EncodedString(),
                "checkpoint \(text(checkpoint)); recomputed size \(recomputed.size) root \(Data(recomputed.root.bytes).base64EncodedString())")

        // The first declaration's inclusion, verified offline by brakectl against that root.
        let first = indexes[0]
        let included = try brakectl(["proof", "inclusion", "--index", "\(first)", "--size", "\(size)", "--root", root], socket: node.socketPath)
        #expect(included.status == 0 && included.output.contains("verified"), "brakectl proof inclusion: \(included.status) \(included.output)")
        #expect(included.output.contains("entry \(first) is leaf 0 of the tree of \(size) leaves"), "\(included.output)")
        let againstNode = try brakectl(["proof", "inclusion", "--index", "\(first)", "--json"], socket: node.socketPath)
        let printed = (try? JSONSerialization.jsonObject(with: Data(againstNode.output.utf8))) as? [String: Any]
        #expect(againstNode.status == 0 && printed?["verified"] as? Bool == true && printed?["root"] as? String == root,
                "brakectl proof inclusion --json against the node's checkpoint: \(againstNode.status) \(againstNode.output)")
        // A root it does not lead to, and an entry with no leaf, are refused.
        let wrongRoot = Data(repeating: 0, count: 32).base64EncodedString()
        let refused = try brakectl(["proof", "inclusion", "--index", "\(first)", "--size", "\(size)", "--root", wrongRoot], socket: node.socketPath)
        #expect(refused.status == 1, "a wrong root: exit \(refused.status), \(refused.output)")
        let noLeaf = try brakectl(["proof", "inclusion", "--index", "1"], socket: node.socketPath)
        #expect(entries.first?["noop"] as? Bool != true || noLeaf.status == 65, "entry 1, a no-op: exit \(noLeaf.status)")

        // The tree now extends the head seen after the first declaration.
        let consistent = try brakectl(
            ["proof", "consistency", "--from", "\(earlySize)", "--to", "\(size)", "--from-root", earlyRoot, "--to-root", root],
            socket: node.socketPath)
        #expect(consistent.status == 0 && consistent.output.contains("verified"), "brakectl proof consistency: \(consistent.status) \(consistent.output)")
        let forged = try brakectl(
            ["proof", "consistency", "--from", "\(earlySize)", "--to", "\(size)", "--from-root", wrongRoot, "--to-root", root],
            socket: node.socketPath)
        #expect(forged.status == 1, "a wrong old root: exit \(forged.status), \(forged.output)")

        // After a restart the store answers the same head, read back with no replay.
        #expect(node.terminate() == 0)
        let restarted = try await BrakedProcess(dataDirectory: node.dataDirectory, arguments: ["--snapshot-interval", "5"])
        defer { _ = restarted.terminate() }
        let again = try await restarted.get("/v1/checkpoint")
        #expect(again.json["size"] as? Int == size && again.json["root"] as? String == root, "after restart: \(text(again))")
    }

    func text(_ reply: BrakedProcess.Reply) -> String { String(decoding: reply.body, as: UTF8.self) }
}
