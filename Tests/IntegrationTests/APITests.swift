import AsyncHTTPClient
import BrakeCore
import Foundation
import NIOCore
import Testing

/// Events, attestations, compliance and metrics over the real socket.
@Suite("Local API streams and views", .serialized)
struct APITests {
    @Test("events resume from Last-Event-ID, attestations show in compliance, metrics count")
    func eventsAttestationsMetrics() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        let charter = try node.charter()
        let labA = try node.key("lab-a"), labB = try node.key("lab-b")
        let trigger = try motionEnvelope(charter: charter, kind: "trigger", scope: "training", proposer: "lab-a", signers: [labA, labB])
        let passed = try await node.post("/v1/declarations", body: trigger.jsonBytes())
        #expect(passed.json["state"] as? String == "passed")
        let pauseID = try #require(passed.json["id"] as? String)
        let passedIndex = try #require(passed.json["index"] as? Int)

        // An attestation by lab-b shows up in compliance.
        let now = Int64(Date().timeIntervalSince1970) * 1000
        let attestation = Attestation(
            federation: charter.federation, pause: pauseID, party: "lab-b", period: "2026-11-29",
            claims: ["no-training-above-threshold"], evidence: ["sha256:" + String(repeating: "a", count: 64)], created: now
        )
        let attested = try await node.post("/v1/declarations", body: attestation.unsignedEnvelope().signed(with: labB).jsonBytes())
        #expect(attested.status == 200, "\(String(decoding: attested.body, as: UTF8.self))")
        #expect(attested.json["index"] as? Int == passedIndex + 1)
        // The same attestation signed by another party is refused.
        let forged = try await node.post("/v1/declarations", body: attestation.unsignedEnvelope().signed(with: labA).jsonBytes())
        #expect(forged.status == 422)
        let compliance = try await node.get("/v1/compliance").json["compliance"] as? [[String: Any]] ?? []
        let row = compliance.first { $0["party"] as? String == "lab-b" }
        #expect(row?["lastPeriod"] as? String == "2026-11-29")
        #expect(row?["overdue"] as? Bool == false)

        // Events: resuming after the entry before the trigger replays its events, then goes live.
        let events = try await readEvents(node: node, after: "\(passedIndex - 1)", within: .seconds(5), until: {
            $0.last?.type == "attestation_recorded"
        })
        // Ids are INDEX.POSITION: the entry, then the event's place among that entry's events.
        let ids = events.map(\.id)
        #expect(ids.first == "\(passedIndex).0")
        #expect(events.allSatisfy { $0.index >= passedIndex }, "\(ids)")
        #expect(events.contains { $0.type == "pause_in_force" })
        #expect(events.contains { $0.type == "motion_passed" })

        let metrics = String(decoding: try await node.get("/metrics").body, as: UTF8.self)
        #expect(metrics.contains("brake_declarations_accepted_total 2"))
        #expect(metrics.contains("brake_pauses_in_force 1.0"))
        #expect(metrics.contains("brake_raft_is_leader 1.0"))
        #expect(metrics.contains(#"brake_declarations_rejected_total{code="invalid_attestation"} 1"#))

        let charterView = try await node.get("/v1/charter").json
        #expect(charterView["federation"] as? String == charter.federation)
        #expect((charterView["parties"] as? [Any])?.count == 3)
    }
}

/// `brakectl watch` streams events as they are applied, each line at once.
@Suite("brakectl watch", .serialized)
struct WatchTests {
    @Test("watch --json prints the events of a new motion as it commits")
    func watchFollowsEvents() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        let watcher = Process()
        watcher.executableURL = URL(fileURLWithPath: BrakedProcess.binDirectory + "/brakectl")
        watcher.arguments = ["watch", "--json", "--socket", node.socketPath]
        let pipe = Pipe()
        watcher.standardOutput = pipe
        watcher.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try watcher.run()
        defer { if watcher.isRunning { kill(watcher.processIdentifier, SIGKILL) } }
        try await waitFor("the watcher's event stream to open", within: .seconds(20)) {
            String(decoding: try await node.get("/metrics").body, as: UTF8.self).contains("brake_event_streams 1.0")
        }

        let proposed = try brakectl(["propose", "trigger", "eval", "--reason", "r", "--key", node.keyPath("lab-a"), "--json"], socket: node.socketPath)
        let id = try #require(jsonObject(proposed.output)["id"] as? String)

        // Read what the watcher printed, without waiting for it to exit.
        let reader = pipe.fileHandleForReading
        let flags = fcntl(reader.fileDescriptor, F_GETFL)
        _ = fcntl(reader.fileDescriptor, F_SETFL, flags | O_NONBLOCK)
        var text = ""
        for _ in 0..<100 where !text.contains("motion_signed") {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = read(reader.fileDescriptor, &buffer, buffer.count)
            if count > 0 { text += String(decoding: buffer[..<count], as: UTF8.self) }
            try await Task.sleep(for: .milliseconds(50))
        }
        let events = text.split(separator: "\n").map { jsonObject(String($0)) }
        #expect(events.contains { ($0["event"] as? [String: Any])?["type"] as? String == "motion_opened" && ($0["event"] as? [String: Any])?["id"] as? String == id })
        #expect(events.contains { ($0["event"] as? [String: Any])?["type"] as? String == "motion_signed" })
    }
}
