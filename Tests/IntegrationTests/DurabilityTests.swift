import BrakeCore
import BrakeRaft
import BrakeStore
import Foundation
import Testing

/// Crash safety of a real `braked`: SIGKILL while clients submit, then restart.
@Suite("Durability across SIGKILL", .serialized)
struct DurabilityTests {
    @Test("every submission answered as committed survives kill -9, and applied index matches the log")
    func killDuringSubmissions() async throws {
        let directory = BrakedProcess.temporaryDirectory()
        var node = try await BrakedProcess(dataDirectory: directory)
        let charter = try node.charter()
        let key = try node.key("lab-a")
        let before = try await node.get("/v1/status").json
        let termBefore = before["term"] as? Int ?? 0

        // Four concurrent clients submit distinct motions until the node is killed under them.
        let acknowledged = AcknowledgedSet()
        let clients = (0..<4).map { client in
            Task { [node] in
                var n = 0
                while !Task.isCancelled {
                    n += 1
                    let envelope = try motionEnvelope(charter: charter, kind: "trigger", scope: "durability/c\(client)/m\(n)", proposer: "lab-a", signers: [key])
                    guard let reply = try? await node.post("/v1/declarations", body: envelope.jsonBytes()) else { return }
                    if reply.status == 200, reply.json["committed"] as? Bool == true, let id = reply.json["id"] as? String {
                        await acknowledged.insert(id, index: reply.json["index"] as? Int ?? 0)
                    }
                }
            }
        }
        while await acknowledged.count < 60 { try await Task.sleep(for: .milliseconds(20)) }
        node.kill9()
        for client in clients { client.cancel() }
        for client in clients { _ = await client.result }
        let acked = await acknowledged.all
        #expect(acked.count >= 60)

        // What the killed process left on disk: its term, its vote and every acknowledged entry.
        do {
            let store = try BrakeStore(directory: directory)
            defer { store.close() }
            let persisted = try store.loadRaftState()
            #expect(persisted.hardState.term == UInt64(termBefore))
            #expect(persisted.hardState.vote == "node-1")
            let byIndex = Dictionary(uniqueKeysWithValues: persisted.entries.map { ($0.index, $0) })
            for (id, index) in acked {
                let entry = try #require(byIndex[UInt64(index)], "acknowledged entry \(index) is not in the persisted log")
                let record = try LogRecord(decoding: entry.data)
                #expect(motionID(payload: record.envelope.payload) == id)
            }
            #expect(try store.appliedIndex() <= persisted.hardState.commit)
        }

        node = try await BrakedProcess(dataDirectory: directory)
        defer { _ = node.terminate() }
        let motions = try await node.get("/v1/motions").json["motions"] as? [[String: Any]] ?? []
        let present = Dictionary(motions.compactMap { m -> (String, Int)? in
            guard let id = m["id"] as? String else { return nil }
            return (id, m["openedAt"] as? Int ?? -1)
        }, uniquingKeysWith: { a, _ in a })
        for (id, index) in acked {
            #expect(present[id] == index, "acknowledged motion \(id) at entry \(index) is missing or moved after restart")
        }
        // The registry's applied index matches the log once the restarted node has caught up.
        var status: [String: Any] = [:]
        for _ in 0..<100 {
            status = try await node.get("/v1/status").json
            if status["role"] as? String == "leader", status["appliedIndex"] as? Int == status["lastIndex"] as? Int { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(status["appliedIndex"] as? Int == status["lastIndex"] as? Int)
        #expect(status["appliedIndex"] as? Int == status["commitIndex"] as? Int)
        // Raft's hard state survived: the term never goes back.
        #expect((status["term"] as? Int ?? 0) > termBefore)
        let log = try await node.get("/v1/log?from=1&limit=1000").json["entries"] as? [[String: Any]] ?? []
        #expect(log.count == status["lastIndex"] as? Int)
    }
}

extension DurabilityTests {
    @Test("killed again and again while batches are in flight, the node applies each entry exactly once")
    func repeatedKillsDuringGroupCommit() async throws {
        let directory = BrakedProcess.temporaryDirectory()
        let acknowledged = AcknowledgedSet()
        let rounds = Int(ProcessInfo.processInfo.environment["BRAKE_KILL_ROUNDS"] ?? "") ?? 5
        for round in 0..<rounds {
            let node = try await BrakedProcess(dataDirectory: directory)
            let charter = try node.charter()
            let key = try node.key("lab-a")
            let target = await acknowledged.count + 25
            // Sixteen clients: batches of several entries share each write while the node is killed.
            let clients = (0..<16).map { client in
                Task { [node] in
                    var n = 0
                    while !Task.isCancelled {
                        n += 1
                        let envelope = try motionEnvelope(
                            charter: charter, kind: "trigger", scope: "kills/r\(round)/c\(client)/m\(n)", proposer: "lab-a", signers: [key])
                        guard let reply = try? await node.post("/v1/declarations", body: envelope.jsonBytes()) else { return }
                        if reply.status == 200, reply.json["committed"] as? Bool == true, let id = reply.json["id"] as? String {
                            await acknowledged.insert(id, index: reply.json["index"] as? Int ?? 0)
                        }
                    }
                }
            }
            try await waitFor("25 more acknowledged submissions in round \(round)", within: .seconds(60)) { await acknowledged.count >= target }
            node.kill9()
            for client in clients { client.cancel() }
            for client in clients { _ = await client.result }
        }

        let node = try await BrakedProcess(dataDirectory: directory)
        var status: [String: Any] = [:]
        try await waitFor("the restarted node to apply its whole log", within: .seconds(30)) {
            status = try await node.get("/v1/status").json
            return status["role"] as? String == "leader" && status["appliedIndex"] as? Int == status["lastIndex"] as? Int
        }
        let digest = try #require(status["registryDigest"] as? String)
        let charter = try node.charter()
        let motions = try await node.get("/v1/motions").json["motions"] as? [[String: Any]] ?? []
        let present = Dictionary(motions.compactMap { m -> (String, Int)? in
            guard let id = m["id"] as? String else { return nil }
            return (id, m["openedAt"] as? Int ?? -1)
        }, uniquingKeysWith: { a, _ in a })
        #expect(node.terminate() == 0)

        // A fresh replay of the durable log gives the registry the node serves: nothing applied twice,
        // nothing skipped, whatever batch each kill interrupted.
        let store = try BrakeStore(directory: directory)
        defer { store.close() }
        var replay = Registry(charter: charter)
        for entry in try store.loadRaftState().entries {
            _ = replay.apply(index: entry.index, data: entry.data)
        }
        #expect(replay.digestHex() == digest, "the node's registry differs from a fresh replay of its log")
        #expect(try store.appliedIndex() == replay.appliedIndex)
        for (id, index) in await acknowledged.all {
            #expect(present[id] == index, "acknowledged motion \(id) at entry \(index) is missing or moved")
        }
    }
}

actor AcknowledgedSet {
    var all: [String: Int] = [:]
    var count: Int { all.count }
    func insert(_ id: String, index: Int) { all[id] = index }
}
