import BrakeCore
import Foundation
import Testing

/// The transparency page in a real headless browser (Debian's chromium) against a real braked: the
/// page verifies, with WebCrypto in the browser, the checkpoint's cosignatures against the charter's
/// keys and each pause's inclusion proof against the checkpoint, and marks what fails.
///
/// Tests/Tools/page_check.py drives chromium over the DevTools protocol and, for the tampered run,
/// puts a proxy between the browser and the node that flips one bit of every inclusion proof.
@Suite("Public page in a browser", .serialized)
struct PublicPageTests {
    @Test("the pause in force shows as verified; a tampered proof shows as not verified")
    func verifiesInTheBrowser() async throws {
        let listener = try await PublicListener.start()
        defer { _ = listener.node.terminate() }
        let node = listener.node
        let pause = try makePause(on: node, scope: "training")
        // The pause's trigger entry must be in the checkpoint the page verifies against.
        let pauses = try await node.get("/v1/pauses").json["pauses"] as? [[String: Any]]
        let triggeredAt = try #require(pauses?.first?["triggeredAt"] as? Int, "\(pauses ?? [])")
        try await waitFor("a checkpoint that holds entry \(triggeredAt)", within: .seconds(30)) {
            try await node.get("/v1/proof/inclusion?index=\(triggeredAt)&size=\(try await checkpointSize(node))").status == 200
        }

        // A motion submitted while the page is open must show up from the event stream, with no reload.
        let charter = try node.charter()
        let watched = try motionEnvelope(charter: charter, kind: "trigger", scope: "eval/watched", proposer: "gov-a", signers: [node.key("gov-a")])
        let envelopePath = node.dataDirectory + "/watched.dsse.json"
        _ = FileManager.default.createFile(atPath: envelopePath, contents: Data(watched.jsonBytes()))

        let honest = try pageReport(listener, tamper: false, submit: envelopePath)
        #expect(honest.errors.isEmpty, "the page threw: \(honest.errors)")
        #expect(honest.motions.contains(sha256Hex(watched.payload)), "the page did not show the motion submitted while it was open: \(honest.raw)")
        #expect(honest.checkpointVerified, "the checkpoint: \(honest.raw)")
        let shown = try #require(honest.pauses.first { $0.id == pause }, "the page does not show pause \(pause): \(honest.raw)")
        #expect(shown.inForce && shown.verified, "the pause in force: \(shown)")

        let tampered = try pageReport(listener, tamper: true)
        let forged = try #require(tampered.pauses.first { $0.id == pause }, "the page does not show pause \(pause): \(tampered.raw)")
        #expect(forged.inForce && !forged.verified, "a tampered proof passed: \(forged)")
        #expect(forged.why.contains("does not lead to the checkpoint's root"), "\(forged.why)")
        // Only the proof was touched: the checkpoint still verifies.
        #expect(tampered.checkpointVerified, "the checkpoint: \(tampered.raw)")
    }

    func checkpointSize(_ node: BrakedProcess) async throws -> Int {
        try #require(try await node.get("/v1/checkpoint").json["size"] as? Int)
    }

    struct Report {
        struct Pause: CustomStringConvertible {
            var id: String
            var inForce: Bool
            var verified: Bool
            var why: String
            var description: String { "pause \(id) inForce \(inForce) verified \(verified): \(why)" }
        }
        var raw: String
        var checkpointVerified: Bool
        var pauses: [Pause]
        var motions: [String]
        var errors: [String]
    }

    /// Runs the page in chromium through page_check.py and reads what it marked.
    func pageReport(_ listener: PublicListener, tamper: Bool, submit: String? = nil) throws -> Report {
        var arguments = [OpenAPIChecker.root + "/Tests/Tools/page_check.py", "--url", listener.base, "--timeout", "40"]
        if tamper { arguments.append("--tamper-proof") }
        if let submit { arguments += ["--submit", submit, "--socket", listener.node.socketPath] }
        // A node from before signed checkpoints serves no note; then the script cosigns the node's own
        // checkpoint with the node's checkpoint key, in Python, and the page must verify that.
        arguments += ["--cosign-key", listener.node.dataDirectory + "/identity/checkpoint.key", "--node", "node-1"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: OpenAPIChecker.python)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let raw = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0, let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw TestFailure("page_check.py exited \(process.terminationStatus): \(raw) \(stderr)")
        }
        let checkpoint = object["checkpoint"] as? [String: Any]
        let pauses = (object["pauses"] as? [[String: Any]] ?? []).map {
            Report.Pause(
                id: $0["id"] as? String ?? "", inForce: $0["inForce"] as? String == "true",
                verified: $0["verified"] as? String == "true", why: $0["why"] as? String ?? "")
        }
        return Report(
            raw: raw, checkpointVerified: checkpoint?["verified"] as? String == "true", pauses: pauses,
            motions: object["motions"] as? [String] ?? [], errors: object["errors"] as? [String] ?? [])
    }
}
