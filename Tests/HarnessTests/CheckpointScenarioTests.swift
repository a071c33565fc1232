import AsyncHTTPClient
import BrakeCore
import BrakeHarness
import BrakeLog
import Foundation
import NIOCore
import Testing

/// Checkpoints with real `braked` processes (issue 10 item 3, Specs/log.md 7.5): in a federation of
/// five, checkpoints become final with a majority of cosignatures that verify against the charter;
/// a node made to present a forked history (the test-only `BRAKE_TEST_FORK_CHECKPOINTS`) is caught
/// by every honest node: the evidence is stored, served at `/v1/evidence`, announced on
/// `/v1/events` and counted by `brake_fork_evidence_total`.
@Suite(.serialized, .enabled(if: MultiNode.isAvailable, "needs multi-node braked (brakectl node init)"))
struct CheckpointScenarioTests {
    @Test(.timeLimit(.minutes(3)))
    func checkpointsBecomeFinalAndAForkedNodeIsCaught() async throws {
        try await withScenario(nodes: 5) { s in
            let f = s.federation
            let forked = 5
            let honest = [1, 2, 3, 4]
            let forkedID = FederationPlan.nodeID(forked)
            try await f.restart(forked, environment: ["BRAKE_TEST_FORK_CHECKPOINTS": "1"])
            // Event streams opened before anything is cosigned.
            let watchers = try honest.map { n in
                let socket = try f.api(n).socket
                return Task { try await Self.sawEvent("fork_evidence", socket: socket, within: .seconds(90)) }
            }
            for n in 0..<3 {
                let motion = try s.motion(.trigger, scope: "checkpoint/run-\(n)", signedBy: ["p1"])
                try await s.submitUntilAcknowledged(motion, to: honest)
            }

            // Final on every honest node, with a majority of cosignatures that verify.
            let trusted = SignedCheckpoint.cosigners(of: s.charter)
            let quorum = SignedCheckpoint.quorum(of: s.charter)
            var seen: [Int: String] = [:]
            do {
                try await Deadline.waitUntil("a final checkpoint of 3 leaves on every honest node", timeout: .seconds(30)) {
                    for n in honest {
                        let reply = try? await f.api(n).send(.GET, "/v1/checkpoint")
                        seen[n] = reply.map { String(decoding: $0.body, as: UTF8.self) } ?? "no answer"
                    }
                    return honest.allSatisfy { n in
                        let json = (try? JSONSerialization.jsonObject(with: Data((seen[n] ?? "").utf8))) as? [String: Any]
                        return json?["final"] as? Bool == true && (json?["size"] as? Int ?? 0) >= 3
                    }
                }
            } catch {
                throw HarnessError(.timeout, "\(error); checkpoints: \(seen.sorted { $0.key < $1.key })")
            }
            var roots = Set<String>()
            for n in honest {
                let json = try #require(try JSONSerialization.jsonObject(with: Data((seen[n] ?? "").utf8)) as? [String: Any])
                let note = try SignedCheckpoint(text: try #require(json["note"] as? String))
                let verified = try note.verifiedCosigners(trusted)
                #expect(verified.count >= quorum, "node \(n): \(verified.sorted()) of quorum \(quorum)")
                #expect(json["quorum"] as? Int == quorum)
                #expect(json["origin"] as? String == s.charter.federation && note.checkpoint.origin == s.charter.federation)
                #expect(json["root"] as? String == Base64.encode(note.checkpoint.root.bytes))
                let cosigners = json["cosigners"] as? [String] ?? []
                #expect(!cosigners.contains(forkedID), "node \(n)'s final checkpoint carries the forked node's cosignature")
                #expect(cosigners.count == verified.count)
                #expect((json["appliedIndex"] as? Int ?? 0) > 0)
                roots.insert(Base64.encode(note.checkpoint.root.bytes))
            }

            // The fork is caught on every honest node: stored and served.
            var evidence: [Int: [[String: Any]]] = [:]
            try await Deadline.waitUntil("fork evidence on every honest node", timeout: .seconds(30)) {
                for n in honest {
                    guard let reply = try? await f.api(n).send(.GET, "/v1/evidence"), reply.status == 200 else { continue }
                    let json = (try? JSONSerialization.jsonObject(with: Data(reply.body))) as? [String: Any]
                    evidence[n] = json?["evidence"] as? [[String: Any]] ?? []
                }
                return honest.allSatisfy { !(evidence[$0] ?? []).isEmpty }
            }
            for n in honest {
                for item in evidence[n] ?? [] {
                    #expect(item["kind"] as? String == "split_view", "node \(n): \(item)")
                    #expect((item["nodes"] as? [String] ?? []).contains(forkedID), "node \(n): \(item)")
                    let notes = try (item["notes"] as? [String] ?? []).map { try SignedCheckpoint(text: $0) }
                    #expect(notes.count == 2 && notes[0].checkpoint.size == notes[1].checkpoint.size
                            && notes[0].checkpoint.root != notes[1].checkpoint.root, "node \(n): \(item)")
                    // Portable: both notes verify against the charter alone.
                    for note in notes { #expect(try !note.verifiedCosigners(trusted).isEmpty) }
                    #expect(item["id"] as? String == ForkEvidence.id(notes[0].checkpoint, notes[1].checkpoint))
                    #expect((item["detectedAtMillis"] as? Int ?? 0) > 0 && item["detectedAt"] is String)
                }
                // Counted in the metrics.
                let metrics = String(decoding: try await f.api(n).send(.GET, "/metrics").body, as: UTF8.self)
                let line = metrics.split(separator: "\n").first { $0.hasPrefix("brake_fork_evidence_total ") }
                #expect(line.flatMap { Double($0.split(separator: " ").last ?? "") }.map { $0 > 0 } == true, "node \(n): \(line ?? "no metric")")
                let finalSize = metrics.split(separator: "\n").first { $0.hasPrefix("brake_checkpoint_final_size ") }
                #expect(finalSize.flatMap { Double($0.split(separator: " ").last ?? "") }.map { $0 >= 3 } == true, "node \(n): \(finalSize ?? "no metric")")
            }
            #expect(roots.count == 1, "honest nodes serve one final root: \(roots)")

            // The same through brakectl: the checkpoint verifies against the charter file the
            // parties hold, and the evidence is listed (exit 1: there is some).
            let socket = try f.api(honest[0]).socket
            let checked = try Self.brakectl(["checkpoint", "--charter", s.layout.charter, "--socket", socket])
            #expect(checked.status == 0 && checked.output.contains("final: ") && checked.output.contains("(quorum \(quorum))"),
                    "brakectl checkpoint: \(checked.status) \(checked.output)")
            let listed = try Self.brakectl(["evidence", "--socket", socket])
            #expect(listed.status == 1 && listed.output.contains("split_view") && listed.output.contains(forkedID),
                    "brakectl evidence: \(listed.status) \(listed.output)")

            // Raised as an event on every honest node's stream.
            for (n, watcher) in zip(honest, watchers) {
                #expect(try await watcher.value, "node \(n)'s event stream did not announce fork_evidence")
            }
        }
    }

    /// Runs brakectl; its exit status and standard output.
    static func brakectl(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (ToolRunner.binDirectory as NSString).appendingPathComponent("brakectl"))
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// Whether `/v1/events` on `socket` carries an event named `name` within the time given.
    static func sawEvent(_ name: String, socket: String, within: Duration) async throws -> Bool {
        guard let url = URL(httpURLWithSocketPath: socket, uri: "/v1/events") else { return false }
        let request = HTTPClientRequest(url: url.absoluteString)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(within.components.seconds))
        var text = ""
        for try await chunk in response.body {
            text += String(buffer: chunk)
            if text.contains("event: \(name)\ndata: {") { return true }
        }
        return false
    }
}
