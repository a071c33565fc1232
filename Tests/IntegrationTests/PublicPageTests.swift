import BrakeCore
import Foundation
import Testing

/// The transparency page in a real headless browser (Debian's chromium) against a real braked: the
/// page verifies, with WebCrypto in the browser, the checkpoint's cosignatures against the charter's
/// keys and each pause's inclusion proof against the checkpoint, and marks what fails.
///
/// Tests/Tools/page_check.py drives chromium over the DevTools protocol and, for the tampered runs,
/// puts a proxy between the browser and the node that flips one bit of every inclusion proof, or of
/// the checkpoint's cosignature. It also runs the page's verifier on the published vectors, and
/// submits a motion while the page is open, to see it arrive by the event stream.
///
/// The checkpoint the page verifies is the node's own: braked cosigns it with its identity's
/// checkpoint key, and the page checks that cosignature against the charter's pin.
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
        // The node's checkpoint is made every few seconds (404 until the first one).
        try await waitFor("a checkpoint that holds entry \(triggeredAt)", within: .seconds(30)) {
            guard let size = try await node.get("/v1/checkpoint").json["size"] as? Int else { return false }
            return try await node.get("/v1/proof/inclusion?index=\(triggeredAt)&size=\(size)").status == 200
        }

        // A motion submitted while the page is open must show up from the event stream, with no reload.
        let charter = try node.charter()
        let watched = try motionEnvelope(charter: charter, kind: "trigger", scope: "eval/watched", proposer: "gov-a", signers: [node.key("gov-a")])
        let envelopePath = node.dataDirectory + "/watched.dsse.json"
        _ = FileManager.default.createFile(atPath: envelopePath, contents: Data(watched.jsonBytes()))

        let honest = try pageReport(listener, submit: envelopePath, vectors: true)
        #expect(honest.errors.isEmpty, "the page threw: \(honest.errors)")
        // The page's verifier, run in the browser on the published inclusion vectors and on the
        // cosignature example of Specs/log.md 7.4.
        #expect(honest.vectors.count > 50, "only \(honest.vectors.count) inclusion vectors ran")
        for vector in honest.vectors {
            #expect(vector.failed == vector.wantErr, "\(vector.file): the page's verifier \(vector.failed ? "refused" : "accepted") it")
        }
        #expect(honest.cosignatureVector, "the page does not verify Specs/log.md 7.4's cosignature: \(honest.raw)")
        #expect(honest.motions.contains(sha256Hex(watched.payload)), "the page did not show the motion submitted while it was open: \(honest.raw)")
        #expect(honest.checkpointVerified, "the checkpoint: \(honest.raw)")
        // Compliance per party, as the node reports it.
        let rows = try await node.get("/v1/compliance").json["compliance"] as? [[String: Any]] ?? []
        let parties = rows.compactMap { $0["party"] as? String }
        #expect(!parties.isEmpty && honest.compliance == parties, "the page shows compliance of \(honest.compliance), the node of \(parties)")
        let shown = try #require(honest.pauses.first { $0.id == pause }, "the page does not show pause \(pause): \(honest.raw)")
        #expect(shown.inForce && shown.verified, "the pause in force: \(shown)")

        let tampered = try pageReport(listener, tamper: "--tamper-proof")
        let forged = try #require(tampered.pauses.first { $0.id == pause }, "the page does not show pause \(pause): \(tampered.raw)")
        #expect(forged.inForce && !forged.verified, "a tampered proof passed: \(forged)")
        #expect(forged.why.contains("does not lead to the checkpoint's root"), "\(forged.why)")
        // Only the proof was touched: the checkpoint still verifies.
        #expect(tampered.checkpointVerified, "the checkpoint: \(tampered.raw)")

        // One bit of the checkpoint's cosignature flipped: neither the checkpoint nor the pause verifies.
        let forgedNote = try pageReport(listener, tamper: "--tamper-note")
        #expect(!forgedNote.checkpointVerified, "a forged cosignature passed: \(forgedNote.raw)")
        let unproven = try #require(forgedNote.pauses.first { $0.id == pause }, "\(forgedNote.raw)")
        #expect(!unproven.verified && unproven.why.contains("the checkpoint is not verified"), "\(unproven)")
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
        var compliance: [String]
        var errors: [String]
        var vectors: [(file: String, wantErr: Bool, failed: Bool)]
        var cosignatureVector: Bool
        /// Whether the page verified the charter chain from genesis, and each step as it marked it.
        var chainVerified: Bool = false
        var charters: [(id: String, index: Int, verified: Bool, changes: [String])] = []
    }

    /// Runs the page in chromium through page_check.py and reads what it marked.
    func pageReport(_ listener: PublicListener, tamper: String? = nil, submit: String? = nil, vectors: Bool = false) throws -> Report {
        var arguments = [OpenAPIChecker.root + "/Tests/Tools/page_check.py", "--url", listener.base, "--timeout", "40"]
        if let tamper { arguments.append(tamper) }
        if vectors { arguments += ["--vectors", OpenAPIChecker.root + "/Tests/Vectors/merkle/inclusion"] }
        if let submit { arguments += ["--submit", submit, "--socket", listener.node.socketPath] }
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
        let results = object["vectors"] as? [String: Any]
        let vectors = results?["inclusion"] as? [[String: Any]] ?? []
        let pauses = (object["pauses"] as? [[String: Any]] ?? []).map {
            Report.Pause(
                id: $0["id"] as? String ?? "", inForce: $0["inForce"] as? String == "true",
                verified: $0["verified"] as? String == "true", why: $0["why"] as? String ?? "")
        }
        var report = Report(
            raw: raw, checkpointVerified: checkpoint?["verified"] as? String == "true", pauses: pauses,
            motions: object["motions"] as? [String] ?? [], compliance: object["compliance"] as? [String] ?? [], errors: object["errors"] as? [String] ?? [],
            vectors: vectors.map { ($0["file"] as? String ?? "", $0["wantErr"] as? Bool ?? false, $0["failed"] as? Bool ?? false) },
            cosignatureVector: (results?["cosignature"] as? [String: Any])?["ok"] as? Bool == true)
        report.chainVerified = object["chain"] as? String == "true"
        report.charters = (object["charters"] as? [[String: Any]] ?? []).map {
            ($0["id"] as? String ?? "", Int($0["index"] as? String ?? "") ?? -1, $0["verified"] as? String == "true", $0["changes"] as? [String] ?? [])
        }
        return report
    }

    @Test("the page follows the charter chain from genesis, and a forged amendment signature breaks it")
    func followsTheCharterChain() async throws {
        let listener = try await PublicListener.start()
        defer { _ = listener.node.terminate() }
        let node = listener.node
        let genesis = try node.charter()
        // All three parties amend the trigger policy; then a checkpoint that holds the amendment.
        var next = genesis
        next.trigger = PolicyRule(clauses: [PolicyClause(atLeast: 3)])
        let now = Int64(Date().timeIntervalSince1970) * 1000
        var envelope = Amendment(
            federation: genesis.federation, amends: genesis.id, charter: next, proposer: "lab-a", reason: "three to pause",
            created: now, expires: now + 3_600_000, nonce: String(repeating: "cd", count: 8)
        ).unsignedEnvelope()
        for party in ["lab-a", "lab-b", "gov-a"] { envelope = envelope.signed(with: try node.key(party)) }
        let passed = try await node.post("/v1/declarations", body: envelope.jsonBytes())
        let index = try #require(passed.json["index"] as? Int, "\(String(decoding: passed.body, as: UTF8.self))")
        try await waitFor("a checkpoint that holds entry \(index)", within: .seconds(30)) {
            guard let size = try await node.get("/v1/checkpoint").json["size"] as? Int else { return false }
            return try await node.get("/v1/proof/inclusion?index=\(index)&size=\(size)").status == 200
        }

        let honest = try pageReport(listener)
        #expect(honest.errors.isEmpty, "the page threw: \(honest.errors)")
        #expect(honest.chainVerified, "\(honest.raw)")
        #expect(honest.charters.map(\.id) == [genesis.id, next.id] && honest.charters.allSatisfy(\.verified), "\(honest.raw)")
        #expect(honest.charters.last?.index == index, "\(honest.raw)")
        #expect(honest.charters.last?.changes == ["~ trigger policy: at least 2 any -> at least 3 any"], "computed in the browser: \(honest.raw)")
        #expect(honest.checkpointVerified, "cosigners come from the charter the chain reaches: \(honest.raw)")

        let forged = try pageReport(listener, tamper: "--tamper-history")
        #expect(!forged.chainVerified, "a forged amendment signature passed: \(forged.raw)")
        #expect(forged.charters.first?.verified == true && forged.charters.last?.verified == false, "\(forged.raw)")
    }
}
