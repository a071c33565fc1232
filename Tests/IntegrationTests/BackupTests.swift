import BrakeCore
import BrakeStore
import Foundation
import Synchronization
import Testing

/// `braked backup` and `braked restore` on real processes: a hot copy while submissions commit, restored into
/// a new data directory where a node serves exactly the registry the original had at the copy's point.
@Suite("Backup and restore", .serialized)
struct BackupTests {
    /// What the writer saw: the registry digest the node reported at each applied index.
    final class Record: Sendable {
        let digests = Mutex<[UInt64: String]>([:])
        let writes = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        let failure = Mutex<String?>(nil)
    }

    /// Submits motions one after another until told to stop: each a new single-signature trigger (an open
    /// motion), every fifth co-signed by a second party (a pause). After each commit it reads the status,
    /// which, with no other writer, is the registry right after that entry.
    static func write(to node: BrakedProcess, record: Record) async {
        do {
            let charter = try node.charter()
            let labA = try node.key("lab-a"), labB = try node.key("lab-b")
            var written = 0
            while !record.stop.load(ordering: .acquiring) {
                let signers = written % 5 == 4 ? [labA, labB] : [labA]
                let motion = try motionEnvelope(
                    charter: charter, kind: "trigger", scope: "training/run-\(written)", proposer: "lab-a", signers: signers)
                let reply = try await node.post("/v1/declarations", body: motion.jsonBytes())
                guard reply.status == 200 else { throw TestFailure("submission \(written): \(reply.status) \(reply.json)") }
                let status = try await node.get("/v1/status").json
                guard let applied = status["appliedIndex"] as? Int, let digest = status["registryDigest"] as? String else {
                    throw TestFailure("status without appliedIndex or registryDigest: \(status)")
                }
                record.digests.withLock { $0[UInt64(applied)] = digest }
                written += 1
                record.writes.store(written, ordering: .releasing)
            }
        } catch {
            record.failure.withLock { $0 = "\(error)" }
        }
    }

    /// Waits (at most 60 s) until the writer has made `count` writes, or failed.
    static func waitForWrites(_ record: Record, atLeast count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while record.writes.load(ordering: .acquiring) < count {
            if let failure = record.failure.withLock({ $0 }) { throw TestFailure("the writer failed: \(failure)") }
            guard ContinuousClock.now < deadline else { throw TestFailure("fewer than \(count) writes within 60 s") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// `braked ARGUMENTS` to completion.
    static func braked(_ arguments: [String]) throws -> DeployKit.Run {
        try DeployKit.run(BrakedProcess.binDirectory + "/braked", arguments, limit: .seconds(120))
    }

    /// Starts a node on the restored `dataDirectory` with the original's charter, waits until it serves, and
    /// returns its status; then stops it.
    static func serveRestored(dataDirectory: String, charter: String) async throws -> [String: Any] {
        let config = (dataDirectory as NSString).deletingLastPathComponent + "/restored-\(UUID().uuidString.prefix(6)).json"
        let text = """
            {"dataDir": "\(dataDirectory)", "charter": "\(charter)", "node": "node-1"}
            """
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let node = try await ConfiguredNode(config: config, socket: dataDirectory + "/brake.sock")
        defer { node.stop() }
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let status = try await apiGet(socket: node.socket, "/v1/status").json
            if status["role"] as? String == "leader", status["appliedIndex"] as? Int == status["lastIndex"] as? Int {
                return status
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("the restored node did not lead and apply its log within 30 s")
    }

    /// The registry digest after each entry of the store in `dataDirectory`, from a fresh replay of its log:
    /// what any node that applied the same entries reports (the registry is a pure function of the log).
    static func replayDigests(dataDirectory: String, charter: Charter) throws -> [UInt64: String] {
        let store = try BrakeStore(directory: dataDirectory)
        defer { store.close() }
        let last = try store.lastIndex()
        #expect(try store.firstIndex() <= 1, "the restored log was compacted; the replay needs it whole")
        var registry = Registry(charter: charter)
        var digests: [UInt64: String] = [:]
        for entry in try store.entries(from: 1, through: last) {
            _ = registry.apply(index: entry.index, data: entry.data)
            digests[entry.index] = registry.digestHex()
        }
        return digests
    }

    /// Checks a restored node against the original: the node served the digest of a fresh replay of its own
    /// log, so the restored registry rows are exactly what the restored log implies; every entry it had
    /// before it started (all but its new term's no-op) replays to the digest the original reported at that
    /// index, so the restored log is the original's history; and it started from `copied` or later.
    static func expectSameRegistry(
        served: [String: Any], restoredDirectory: String, charter: Charter, original: [UInt64: String], copied: UInt64,
        everyIndexRecorded: Bool
    ) throws {
        let servedIndex = try #require((served["appliedIndex"] as? Int).map(UInt64.init))
        let replayed = try replayDigests(dataDirectory: restoredDirectory, charter: charter)
        #expect(served["registryDigest"] as? String == replayed[servedIndex], "the restored node serves a registry its log does not imply")
        // A lone voter leads at once in a new term, which appends one no-op: everything before it was restored.
        let restoredLast = servedIndex - 1
        #expect(restoredLast >= copied, "the restored log ends at \(restoredLast), the copy had applied \(copied)")
        var compared = 0
        for index in 1...max(restoredLast, 1) where original[index] != nil {
            compared += 1
            #expect(replayed[index] == original[index], "at index \(index) the restored history differs from the original")
        }
        #expect(compared >= 1, "no restored entry had a recorded digest to compare")
        if everyIndexRecorded {
            #expect(compared == Int(restoredLast), "only \(compared) of \(restoredLast) restored entries had a recorded digest")
        }
    }

    @Test("a backup taken while writes flow restores into a new data directory that serves the same registry digest")
    func backupWhileWriting() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        let scratch = try DeployKit.temporaryDirectory("brake-backup")
        let record = Record()
        let initial = try await node.get("/v1/status").json
        record.digests.withLock {
            $0[UInt64(initial["appliedIndex"] as? Int ?? 0)] = initial["registryDigest"] as? String ?? ""
        }
        let writer = Task { await Self.write(to: node, record: record) }

        try await Self.waitForWrites(record, atLeast: 20)
        let before = try #require(record.digests.withLock { $0.keys.max() })
        let backup = scratch + "/hot.mdb"
        let copied = try Self.braked(["--data-dir", node.dataDirectory, "backup", "--out", backup, "--json"])
        let afterCopy = record.writes.load(ordering: .acquiring)
        try await Self.waitForWrites(record, atLeast: afterCopy + 20)
        record.stop.store(true, ordering: .releasing)
        await writer.value
        if let failure = record.failure.withLock({ $0 }) { Issue.record("the writer failed: \(failure)") }
        #expect(copied.status == 0, "\(copied)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(copied.output.utf8)) as? [String: Any])
        let copiedIndex = try #require((summary["appliedIndex"] as? Int).map(UInt64.init))
        let final = try await node.get("/v1/status").json
        let finalIndex = UInt64(final["appliedIndex"] as? Int ?? 0)
        // The copy is of a moment inside the stream of writes, not before it or after it.
        #expect(copiedIndex >= before && copiedIndex < finalIndex, "copy at \(copiedIndex), writes \(before)...\(finalIndex)")
        #expect(!FileManager.default.fileExists(atPath: backup + ".partial"))

        // A backup never overwrites, and a restore refuses a data directory that holds anything.
        let again = try Self.braked(["--data-dir", node.dataDirectory, "backup", "--out", backup])
        #expect(again.status != 0 && again.errors.contains("exists"), "\(again)")
        let intoUsed = try Self.braked(["--data-dir", node.dataDirectory, "restore", "--from", backup])
        #expect(intoUsed.status != 0 && intoUsed.errors.contains("not empty"), "\(intoUsed)")
        let notABackup = scratch + "/not-a-backup"
        let bogus = try Self.braked(["--data-dir", notABackup, "restore", "--from", node.dataDirectory + "/charter.dsse.json"])
        #expect(bogus.status != 0, "\(bogus)")
        #expect(!FileManager.default.fileExists(atPath: notABackup + "/store/data.mdb"), "a file that is not a backup was restored")

        // Restore into a new directory: a node there serves the registry the original's history implies up
        // to the copy (and its own new term's no-op after it).
        let restoredDirectory = scratch + "/restored"
        let restored = try Self.braked(["--data-dir", restoredDirectory, "restore", "--from", backup, "--json"])
        #expect(restored.status == 0, "\(restored)")
        let attributes = try FileManager.default.attributesOfItem(atPath: restoredDirectory)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0, "the restored data directory is open to others")
        let served = try await Self.serveRestored(dataDirectory: restoredDirectory, charter: node.dataDirectory + "/charter.dsse.json")
        try Self.expectSameRegistry(
            served: served, restoredDirectory: restoredDirectory, charter: try node.charter(),
            original: record.digests.withLock { $0 }, copied: copiedIndex, everyIndexRecorded: true)
    }

    @Test("a backup of a stopped node holds its final state, and restores to the same digest")
    func backupOfStoppedNode() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        let charter = try node.charter()
        let trigger = try motionEnvelope(
            charter: charter, kind: "trigger", scope: "training", proposer: "lab-a", signers: [node.key("lab-a"), node.key("lab-b")])
        #expect(try await node.post("/v1/declarations", body: trigger.jsonBytes()).json["state"] as? String == "passed")
        let final = try await node.get("/v1/status").json
        #expect(node.terminate() == 0)

        let scratch = try DeployKit.temporaryDirectory("brake-backup-cold")
        let copied = try Self.braked(["--data-dir", node.dataDirectory, "backup", "--out", scratch + "/cold.mdb", "--json"])
        #expect(copied.status == 0, "\(copied)")
        let summary = try JSONSerialization.jsonObject(with: Data(copied.output.utf8)) as? [String: Any]
        #expect(summary?["appliedIndex"] as? Int == final["appliedIndex"] as? Int)
        let restored = try Self.braked(["--data-dir", scratch + "/restored", "restore", "--from", scratch + "/cold.mdb"])
        #expect(restored.status == 0, "\(restored)")
        let served = try await Self.serveRestored(dataDirectory: scratch + "/restored", charter: node.dataDirectory + "/charter.dsse.json")
        let finalIndex = try #require((final["appliedIndex"] as? Int).map(UInt64.init))
        try Self.expectSameRegistry(
            served: served, restoredDirectory: scratch + "/restored", charter: charter,
            original: [finalIndex: final["registryDigest"] as? String ?? ""], copied: finalIndex, everyIndexRecorded: false)
        #expect(served["appliedIndex"] as? Int == Int(finalIndex) + 1, "more than a no-op after the restored log")
    }
}
