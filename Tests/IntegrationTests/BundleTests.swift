import BrakeCore
import Foundation
import Testing

/// `brakectl export` from a live `braked`, and `brakectl verify` of the bundle with no node (another
/// machine's view: a copy of the file and no socket): it verifies, replays to the node's registry
/// digest and prints who signed what; one changed byte of an entry, a signature or a cosignature
/// fails it with exit 1, naming what changed.
@Suite("Export and offline verify", .serialized)
struct BundleTests {
    @Test("an export verifies offline; one changed byte fails and is named")
    func exportAndVerify() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        let indexes = try await BundleSupport.submitHistory(node)
        // While inference is paused, lab-b attests and gov-a disputes it, as signed declarations.
        let charter = try node.charter()
        let pauses = try await node.get("/v1/pauses").json["pauses"] as? [[String: Any]] ?? []
        let inference = try #require(pauses.first { $0["scope"] as? String == "inference" }?["id"] as? String, "\(pauses)")
        let now = Int64(Date().timeIntervalSince1970) * 1000
        let attestation = Attestation(
            federation: charter.federation, pause: inference, party: "lab-b", period: "w1", claims: ["no-training-above-threshold"],
            evidence: [], created: now)
        let attested = try await node.post("/v1/declarations", body: attestation.unsignedEnvelope().signed(with: node.key("lab-b")).jsonBytes())
        let attestationID = try #require(attested.json["id"] as? String, "\(String(decoding: attested.body, as: UTF8.self))")
        let reason = "run R-9 exceeded the threshold"
        let dispute = AttestationReview(federation: charter.federation, attestation: attestationID, party: "gov-a", verdict: .dispute, reason: reason, created: now)
        let disputed = try await node.post("/v1/declarations", body: dispute.unsignedEnvelope().signed(with: node.key("gov-a")).jsonBytes())
        try #require(disputed.status == 200, "\(String(decoding: disputed.body, as: UTF8.self))")
        let exported = node.dataDirectory + "/export.bundle"
        let export = try await BundleSupport.export(node, to: exported, leaves: 6)
        try #require(export.status == 0, "brakectl export: \(export)")
        #expect(export.output.contains("wrote \(exported): 6 entries, final checkpoint of size 6"), "\(export)")
        let partial = try FileManager.default.contentsOfDirectory(atPath: node.dataDirectory).filter { $0.contains(".partial-") }
        #expect(partial.isEmpty, "export left \(partial)")
        // With no --charter, the bundle carries the signed charter the node runs, as served at /v1/charter.
        let charterObject = try #require(try BundleText(path: exported).header["charter"] as? [String: Any])
        let bundled = try Envelope(json: Array(JSONSerialization.data(withJSONObject: charterObject)))
        #expect(bundled == (try Envelope(json: Array(Data(contentsOf: URL(fileURLWithPath: node.dataDirectory + "/charter.dsse.json"))))))

        // Another machine: a copy of the file in a directory of its own, and no node.
        let elsewhere = BrakedProcess.temporaryDirectory() + "/copy.bundle"
        try FileManager.default.copyItem(atPath: exported, toPath: elsewhere)
        let verified = try BundleSupport.brakectlRun(["verify", elsewhere])
        #expect(verified.status == 0, "brakectl verify: \(verified)")
        #expect(verified.output.contains("tree: 6 leaves recomputed, root matches the checkpoint"), "\(verified)")
        #expect(verified.output.contains("cosigned by 1 of 1 nodes"), "\(verified)")
        #expect(verified.output.contains("training/frontier lifted"), "\(verified)")
        #expect(verified.output.contains("inference IN FORCE"), "\(verified)")
        #expect(verified.output.contains("signed by lab-b (key") && verified.output.contains("entry \(indexes[3])"), "who signed what and when: \(verified)")
        #expect(verified.output.contains("lab-a: never attested"), "compliance: \(verified)")
        #expect(verified.output.contains("lab-b: last attested") && verified.output.contains(#"period w1 DISPUTED by gov-a at entry \#(disputed.json["index"] as? Int ?? -1)"#), "compliance: \(verified)")
        #expect(verified.output.contains(#""\#(reason)""#), "the dispute's reason: \(verified)")

        // The replay is the node's registry: same digest, same applied index.
        let json = try BundleSupport.brakectlRun(["verify", "--json", elsewhere])
        let report = (try? JSONSerialization.jsonObject(with: Data(json.output.utf8))) as? [String: Any] ?? [:]
        let status = try await node.get("/v1/status").json
        #expect(report["verified"] as? Bool == true && report["entries"] as? Int == 6 && report["signatures"] as? Int == 8, "\(json)")
        #expect(report["appliedIndex"] as? Int == status["appliedIndex"] as? Int, "report \(report["appliedIndex"] ?? "?"), node \(status)")
        #expect(report["registryDigest"] as? String == status["registryDigest"] as? String, "report \(report["registryDigest"] ?? "?"), node \(status)")

        // One changed character at a time, each named.
        let original = try BundleText(path: exported)
        func tampered(_ edit: (inout BundleText) throws -> Void) throws -> DeployKit.Run {
            var text = original
            try edit(&text)
            let path = BrakedProcess.temporaryDirectory() + "/tampered.bundle"
            try text.write(to: path)
            return try BundleSupport.brakectlRun(["verify", path])
        }
        let second = original.index(ofEntry: 2)
        let signature = try tampered { try $0.flip(line: 2, after: #""sig":""#, offset: 10) }
        #expect(signature.status == 1 && signature.errors.contains("bad_signature: entry \(second): signature 1 does not verify"), "\(signature)")
        let payload = try tampered { try $0.flip(line: 1, after: #""payload":""#, offset: 20) }
        #expect(payload.status == 1 && payload.errors.contains("bad_signature: entry \(original.index(ofEntry: 1)):"), "\(payload)")
        let keyID = try tampered { try $0.flip(line: 4, after: #""keyid":""#, offset: 5) }
        #expect(keyID.status == 1 && keyID.errors.contains(": entry \(original.index(ofEntry: 4)):"), "\(keyID)")
        let payloadType = try tampered { try $0.flip(line: 2, after: #""payloadType":"application/vnd.brake."#, offset: 0) }
        #expect(payloadType.status == 1 && payloadType.errors.contains(": entry \(second):"), "\(payloadType)")
        let leafHash = try tampered { try $0.flip(line: 1, after: #""leafHash":""#, offset: 3) }
        #expect(leafHash.status == 1 && leafHash.errors.contains("invalid_leaf: entry \(original.index(ofEntry: 1)):"), "\(leafHash)")
        let time = try tampered { try $0.flip(line: 3, after: #""time":"#, offset: 12) }
        #expect(time.status == 1 && time.errors.contains("invalid_leaf: entry \(original.index(ofEntry: 3)):"), "\(time)")
        let cosignature = try tampered { try $0.flip(line: 0, after: "/node-1 ", offset: 40) }
        #expect(cosignature.status == 1 && cosignature.errors.contains("invalid_cosignature: checkpoint:"), "\(cosignature)")
        #expect(cosignature.errors.contains("/node-1"), "the cosigner is named: \(cosignature)")
        let dropped = try tampered { $0.lines.remove(at: 2) }
        #expect(dropped.status == 1 && dropped.errors.contains("entry \(original.index(ofEntry: 3))"), "\(dropped)")
        let cut = try tampered { $0.lines.removeLast() }
        #expect(cut.status == 1 && cut.errors.contains("size_mismatch: tree:"), "\(cut)")
        let unreadable = try BundleSupport.brakectlRun(["verify", exported + ".missing"])
        #expect(unreadable.status == 66, "\(unreadable)")
    }

    @Test("export refuses a node with no final checkpoint and a charter that is not the node's, leaving no file behind")
    func exportRefusesAnotherCharter() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        let other = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = other.terminate() }
        let out = node.dataDirectory + "/wrong.bundle"
        // A node with no declaration has no checkpoint yet: export says so (exit 69) and writes nothing.
        let early = try BundleSupport.brakectlRun(["export", "--out", out, "--socket", node.socketPath])
        #expect(early.status == 69 && early.errors.contains("no_final_checkpoint"), "\(early)")
        let run = try BundleSupport.brakectlRun(
            ["export", "--out", out, "--charter", other.dataDirectory + "/charter.dsse.json", "--socket", node.socketPath])
        #expect(run.status == 65 && run.errors.contains("charter_mismatch"), "\(run)")
        let left = try FileManager.default.contentsOfDirectory(atPath: node.dataDirectory).filter { $0.hasPrefix("wrong.bundle") }
        #expect(left.isEmpty, "files left behind: \(left)")
    }
}
