import BrakeCore
import Foundation
import Testing

/// Brake's formats checked by implementations that share no code with it (issue 10, item 7), on a
/// real `braked`'s output and its export: securesystemslib verifies every DSSE envelope of the
/// bundle; Go's golang.org/x/mod/sumdb/note opens the cosigned checkpoint, and
/// golang.org/x/mod/sumdb/tlog recomputes the tree head from the served leaves and checks every
/// served inclusion proof and a consistency proof. Each tool is also shown a changed byte, and fails.
@Suite("Independent implementations", .serialized)
struct InteropTests {
    @Test("DSSE, checkpoints, cosignatures and proofs verify with independent implementations")
    func independentImplementations() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        let indexes = try await BundleSupport.submitHistory(node)
        let early = try await BundleSupport.finalCheckpoint(node, leaves: indexes.count)
        let charter = try node.charter()
        let motion = try motionEnvelope(charter: charter, kind: "trigger", scope: "interop/late", proposer: "lab-a", signers: [node.key("lab-a"), node.key("gov-a")])
        let late = try await node.post("/v1/declarations", body: motion.jsonBytes())
        try #require(late.status == 200, "\(String(decoding: late.body, as: UTF8.self))")
        let bundle = node.dataDirectory + "/interop.bundle"
        let export = try await BundleSupport.export(node, to: bundle, leaves: indexes.count + 1)
        try #require(export.status == 0, "brakectl export: \(export)")

        // securesystemslib: the charter and every entry's envelope.
        let python = ProcessInfo.processInfo.environment["BRAKE_PYTHON"] ?? DeployKit.path(".build-tools/python/bin/python3")
        let dsse = try DeployKit.run(python, [DeployKit.path("Tests/Tools/dsse_check.py"), bundle])
        #expect(dsse.status == 0 && dsse.output.contains(#""entries": 5"#) && dsse.output.contains(#""signatures": 8"#), "dsse_check: \(dsse)")
        var text = try BundleText(path: bundle)
        try text.flip(line: 3, after: #""sig":""#, offset: 10)
        let tamperedPath = node.dataDirectory + "/interop-tampered.bundle"
        try text.write(to: tamperedPath)
        let refused = try DeployKit.run(python, [DeployKit.path("Tests/Tools/dsse_check.py"), tamperedPath])
        #expect(refused.status == 1 && refused.output.contains("entry \(text.index(ofEntry: 3))"), "dsse_check of a changed signature: \(refused)")

        // Go: the note, the tree from the served leaves, the served proofs.
        let header = try BundleText(path: bundle).header
        let note = try #require(header["checkpoint.note"] as? String, "the bundle has no note: \(header)")
        let size = try #require((header["checkpoint"] as? [String: Any])?["size"] as? Int)
        var leaves: [String] = [], inclusion: [[String: Any]] = []
        for index in indexes + [late.json["index"] as? Int ?? -1] {
            let proof = try await node.get("/v1/proof/inclusion?index=\(index)&size=\(size)").json
            let leaf = try #require(proof["leaf"] as? String, "proof of entry \(index): \(proof)")
            leaves.append(leaf)
            inclusion.append(["leaf": leaf, "leafIndex": proof["leafIndex"] ?? -1, "treeSize": size, "hashes": proof["hashes"] ?? []] as [String: Any])
        }
        let earlySize = try #require(early["size"] as? Int)
        let consistency = try await node.get("/v1/proof/consistency?from=\(earlySize)&to=\(size)").json
        var request: [String: Any] = [
            "cosigners": charter.nodes.map { ["name": "\(charter.federation)/\($0.id)", "key": $0.checkpointKey.base64] },
            "quorum": charter.nodes.count / 2 + 1, "note": note, "leaves": leaves, "inclusion": inclusion,
            "consistency": [["from": earlySize, "to": size, "fromRoot": early["root"] ?? "", "hashes": consistency["hashes"] ?? []] as [String: Any]],
        ]
        let tool = try TlogCheck.build()
        let checked = try TlogCheck.run(tool, request)
        #expect(checked.status == 0 && checked.output.contains(#""ok":true"#) && checked.output.contains(#""inclusion":5"#), "tlogcheck: \(checked)")
        #expect(checked.output.contains(#""consistency":1"#) && checked.output.contains(#""size":\#(size)"#), "tlogcheck: \(checked)")

        // Each tool fails on a changed byte: a proof hash, the cosignature, the old root.
        var badProof = inclusion
        var hashes = badProof[2]["hashes"] as? [String] ?? []
        try #require(!hashes.isEmpty)
        hashes[0] = flipped(hashes[0])
        badProof[2]["hashes"] = hashes
        request["inclusion"] = badProof
        let proofRun = try TlogCheck.run(tool, request)
        #expect(proofRun.status == 1 && proofRun.output.contains("inclusion of leaf 2"), "tlogcheck of a changed proof: \(proofRun)")
        request["inclusion"] = inclusion
        let signatureStart = try #require(note.range(of: "/node-1 "))
        var badNote = Array(note)
        let at = note.distance(from: note.startIndex, to: signatureStart.upperBound) + 40
        badNote[at] = badNote[at] == "A" ? "B" : "A"
        request["note"] = String(badNote)
        let noteRun = try TlogCheck.run(tool, request)
        #expect(noteRun.status == 1 && noteRun.output.contains("cosignature of \(charter.federation)/node-1 does not verify"), "\(noteRun)")
        request["note"] = note
        request["consistency"] = [["from": earlySize, "to": size, "fromRoot": flipped(early["root"] as? String ?? ""), "hashes": consistency["hashes"] ?? []] as [String: Any]]
        let oldRoot = try TlogCheck.run(tool, request)
        #expect(oldRoot.status == 1 && oldRoot.output.contains("consistency from"), "\(oldRoot)")
    }

    /// `text` with its first character replaced by another base64 letter.
    private func flipped(_ text: String) -> String {
        (text.first == "A" ? "B" : "A") + text.dropFirst()
    }
}

/// Tests/Tools/tlogcheck, built with Debian's Go and golang.org/x/mod (Deploy/install-deps.sh).
enum TlogCheck {
    static func build() throws -> String {
        let go = try DeployKit.tool("go")
        let output = NSTemporaryDirectory() + "brake-tlogcheck-\(UUID().uuidString.prefix(8))"
        let cache = NSTemporaryDirectory() + "brake-go-cache"
        let run = try DeployKit.run(
            go, ["build", "-o", output, "."],
            environment: ["GO111MODULE": "off", "GOPATH": "/usr/share/gocode", "GOCACHE": cache, "GOFLAGS": nil],
            directory: DeployKit.path("Tests/Tools/tlogcheck"), limit: .seconds(300))
        guard run.status == 0 else { throw TestFailure("go build of tlogcheck failed: \(run)") }
        return output
    }

    static func run(_ tool: String, _ request: [String: Any]) throws -> DeployKit.Run {
        let file = NSTemporaryDirectory() + "brake-tlog-request-\(UUID().uuidString.prefix(8)).json"
        try JSONSerialization.data(withJSONObject: request).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try DeployKit.run(tool, [file])
    }
}
