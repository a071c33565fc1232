import BrakeCore
import BrakeFiles
import Foundation
import Testing

/// Charter amendments the way users reach them, on a real `braked --dev` (amend policy: all three
/// parties): `brakectl charter propose-amendment` shows the difference and asks before it signs;
/// co-signing with `brakectl sign`; `charter history` and `charter show --at`; `revoke-key`; the API
/// routes checked against Specs/openapi.yaml; and an export that verifies holding only the genesis
/// charter.
@Suite("Charter amendments through brakectl and the API", .serialized)
struct CharterAmendmentTests {
    /// `brakectl ARGS --socket SOCK` with stdin closed, as a script runs it.
    static func ctl(_ node: BrakedProcess, _ arguments: [String]) throws -> DeployKit.Run {
        try DeployKit.run(BrakedProcess.binDirectory + "/brakectl", arguments + ["--socket", node.socketPath], limit: .seconds(60))
    }

    @Test("propose, co-sign to the policy, history and show --at, revoke a key, export and verify from genesis")
    func amendmentLifecycle() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        let dir = node.dataDirectory
        for name in ["lab-c", "lab-c-spare"] {
            let made = try BundleSupport.brakectlRun(["keygen", "--party", "lab-c", "--out", "\(dir)/\(name).key"])
            try #require(made.status == 0, "keygen: \(made)")
        }
        let genesis = try node.charter()
        let propose = [
            "charter", "propose-amendment", "--add-party", "lab-c:Lab C:lab:\(dir)/lab-c.key.pub,\(dir)/lab-c-spare.key.pub",
            "--reason", "Lab C joins", "--key", node.keyPath("lab-a"),
        ]

        // Without --yes and with nobody to answer, nothing is signed or submitted.
        let unanswered = try Self.ctl(node, propose)
        #expect(unanswered.status == 64 && unanswered.errors.contains("not_confirmed"), "\(unanswered)")
        #expect(unanswered.output.contains("+ party lab-c \"Lab C\" (lab)"), "the difference is shown first: \(unanswered)")
        #expect((try await node.get("/v1/amendments").json["amendments"] as? [Any])?.isEmpty == true)

        // An amendment that leaves a policy impossible is refused, naming it (by brakectl, with the
        // code the nodes give): without gov-a no lift can have its government signature.
        let impossible = try Self.ctl(node, ["charter", "propose-amendment", "--remove-party", "gov-a", "--remove-node", "node-1",
                                             "--reason", "x", "--key", node.keyPath("lab-a"), "--yes"])
        #expect(impossible.status == 65, "\(impossible)")
        #expect(impossible.errors.contains("unsatisfiable_policy: the lift policy"), "\(impossible)")
        let liftless = try Self.ctl(node, ["charter", "propose-amendment", "--lift", "2:any,2:government",
                                           "--reason", "x", "--key", node.keyPath("lab-a"), "--yes"])
        #expect(liftless.status == 65 && liftless.errors.contains("unsatisfiable_policy") && liftless.errors.contains("lift"), "\(liftless)")
        #expect((try await node.get("/v1/amendments").json["amendments"] as? [Any])?.isEmpty == true, "refused amendments leave nothing behind")

        // A change that changes nothing is refused before anything is signed.
        let nothing = try Self.ctl(node, ["charter", "propose-amendment", "--amend", "3:any", "--reason", "x", "--key", node.keyPath("lab-a"), "--yes"])
        #expect(nothing.status == 64 && nothing.errors.contains("invalid_amendment"), "\(nothing)")

        let proposed = try Self.ctl(node, propose + ["--yes"])
        try #require(proposed.status == 0, "\(proposed)")
        let id = try #require(proposed.output.split(whereSeparator: \.isWhitespace).first { $0.count == 65 && $0.hasSuffix(":") }.map { String($0.dropLast()) }, "\(proposed)")
        #expect(proposed.output.contains("\(id): open"), "\(proposed)")

        // lab-c proves both of its keys; lab-b co-signs: still open (all three founding parties must sign).
        for key in ["lab-c.key", "lab-c-spare.key"] {
            let proof = try Self.ctl(node, ["sign", id, "--key", "\(dir)/\(key)"])
            #expect(proof.status == 0 && proof.output.contains("signing amendment \(id) as lab-c"), "\(proof)")
            #expect(proof.output.contains("+ party lab-c \"Lab C\" (lab)"), "the signer sees what changes: \(proof)")
        }
        let labB = try Self.ctl(node, ["sign", id, "--key", node.keyPath("lab-b")])
        #expect(labB.status == 0 && labB.output.contains("\(id): open"), "\(labB)")
        let before = try Self.ctl(node, ["charter", "history"])
        #expect(before.output == "entry 0: genesis charter \(genesis.id)\n", "\(before)")
        let govA = try Self.ctl(node, ["sign", id, "--key", node.keyPath("gov-a")])
        try #require(govA.status == 0 && govA.output.contains("\(id): passed"), "\(govA)")
        let passedAt = try #require(Int(govA.output.split(separator: "(entry ").last?.prefix { $0.isNumber } ?? ""), "\(govA)")

        // The history lists it; show --at gives the charter that judged each entry.
        let history = try Self.ctl(node, ["charter", "history"])
        let amended = try #require(try await node.get("/v1/charter").json["id"] as? String)
        #expect(history.output.contains("entry 0: genesis charter \(genesis.id)"), "\(history)")
        #expect(history.output.contains("entry \(passedAt): amendment \(id) -> charter \(amended)"), "\(history)")
        #expect(history.output.contains("  + party lab-c \"Lab C\" (lab)"), "\(history)")
        let atPass = try Self.ctl(node, ["charter", "show", "--at", "\(passedAt)", "--json"])
        #expect(jsonObject(atPass.output)["id"] as? String == genesis.id, "the amendment itself was judged by genesis: \(atPass)")
        let current = try Self.ctl(node, ["charter", "show"])
        #expect(current.output.contains("charter \(amended) (amendment \(id) at entry \(passedAt)), in force"), "\(current)")
        #expect(current.output.contains("party lab-c (lab): \"Lab C\""), "\(current)")
        let beyond = try Self.ctl(node, ["charter", "show", "--at", "999999"])
        #expect(beyond.status == 65 && beyond.errors.contains("out_of_range"), "\(beyond)")

        // lab-c signs as a party now; then revokes its first key, signed with the spare it keeps.
        let labCKey = try KeyFiles.signingKey(at: "\(dir)/lab-c.key").key
        let trigger = try motionEnvelope(charter: genesis, kind: "trigger", scope: "eval", proposer: "lab-c", signers: [labCKey])
        let opened = try await node.post("/v1/declarations", body: trigger.jsonBytes())
        #expect(opened.status == 200 && opened.json["state"] as? String == "open", "\(String(decoding: opened.body, as: UTF8.self))")
        let revoked = try Self.ctl(node, ["revoke-key", "\(dir)/lab-c.key.pub", "--key", "\(dir)/lab-c-spare.key", "--reason", "laptop stolen", "--yes"])
        #expect(revoked.status == 0 && revoked.output.contains("- key \(labCKey.publicKey.keyID) of party lab-c"), "\(revoked)")
        let afterRevocation = try Self.ctl(node, ["charter", "history"])
        #expect(afterRevocation.output.contains("revocation"), "\(afterRevocation)")
        // A new signature by the revoked key is refused; the one it made before stays in history.
        let late = try motionEnvelope(charter: genesis, kind: "trigger", scope: "inference", proposer: "lab-c", signers: [labCKey])
        let refused = try await node.post("/v1/declarations", body: late.jsonBytes())
        #expect(refused.status == 422 && refused.errorCode == "revoked_key", "\(String(decoding: refused.body, as: UTF8.self))")
        let motion = try await node.get("/v1/motions/\(motionID(payload: trigger.payload))").json
        #expect((motion["signers"] as? [[String: Any]])?.first?["party"] as? String == "lab-c", "\(motion)")

        // An export verifies offline with only the genesis charter in its header.
        let bundle = dir + "/amended.bundle"
        let export = try await BundleSupport.export(node, to: bundle, leaves: 7)
        try #require(export.status == 0, "\(export)")
        let header = try BundleText(path: bundle).header["charter"] as? [String: Any] ?? [:]
        let bundled = try Envelope(json: Array(JSONSerialization.data(withJSONObject: header)))
        #expect(try Charter.verify(bundled).id == genesis.id)
        let verified = try BundleSupport.brakectlRun(["verify", bundle])
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.output.contains("entry \(passedAt): amendment \(id) made charter \(amended), checked under charter \(genesis.id)"), "\(verified)")
        #expect(verified.output.contains("revocation"), "\(verified)")
    }

    @Test("a key rotated by --add-key and --remove-key: the new key signs from the amendment on, the old one is revoked")
    func keyRotation() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        let dir = node.dataDirectory
        let made = try BundleSupport.brakectlRun(["keygen", "--party", "lab-b", "--out", "\(dir)/lab-b-2027.key"])
        try #require(made.status == 0, "keygen: \(made)")
        let genesis = try node.charter()
        let old = try node.key("lab-b")
        let proposed = try Self.ctl(node, [
            "charter", "propose-amendment", "--add-key", "lab-b:\(dir)/lab-b-2027.key.pub", "--remove-key", "lab-b:\(old.publicKey.keyID)",
            "--reason", "yearly rotation", "--key", node.keyPath("lab-b"), "--yes",
        ])
        try #require(proposed.status == 0, "\(proposed)")
        let fresh = try KeyFiles.signingKey(at: "\(dir)/lab-b-2027.key").key
        #expect(proposed.output.contains("- key \(old.publicKey.keyID) of party lab-b (revoked from then on)"), "\(proposed)")
        #expect(proposed.output.contains("+ key \(fresh.publicKey.keyID) of party lab-b"), "\(proposed)")
        let id = try #require(proposed.output.split(whereSeparator: \.isWhitespace).first { $0.count == 65 && $0.hasSuffix(":") }.map { String($0.dropLast()) })
        // Signed by lab-a and gov-a before the new key proved itself: the policy is met but the proof
        // is missing, so the last signature is refused and the amendment stays open.
        #expect(try Self.ctl(node, ["sign", id, "--key", node.keyPath("lab-a")]).status == 0)
        let early = try Self.ctl(node, ["sign", id, "--key", node.keyPath("gov-a")])
        #expect(early.status == 65 && early.errors.contains("unproven_key"), "\(early)")
        #expect(try Self.ctl(node, ["sign", id, "--key", "\(dir)/lab-b-2027.key"]).status == 0)
        let passed = try Self.ctl(node, ["sign", id, "--key", node.keyPath("gov-a")])
        #expect(passed.status == 0 && passed.output.contains("\(id): passed"), "\(passed)")

        let byOld = try motionEnvelope(charter: genesis, kind: "trigger", scope: "eval", proposer: "lab-b", signers: [old])
        let refused = try await node.post("/v1/declarations", body: byOld.jsonBytes())
        #expect(refused.status == 422 && refused.errorCode == "revoked_key", "\(String(decoding: refused.body, as: UTF8.self))")
        let byNew = try motionEnvelope(charter: genesis, kind: "trigger", scope: "eval", proposer: "lab-b", signers: [fresh])
        let accepted = try await node.post("/v1/declarations", body: byNew.jsonBytes())
        #expect(accepted.status == 200 && accepted.json["state"] as? String == "open", "\(String(decoding: accepted.body, as: UTF8.self))")
        let show = try Self.ctl(node, ["charter", "show"])
        #expect(show.output.contains("party lab-b (lab): \"Lab B\", keys \(fresh.publicKey.keyID)\n"), "\(show)")
    }

    @Test("the charter routes answer as the OpenAPI document says, before and after an amendment")
    func openAPI() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        let api = ExchangeLog(node: node)
        let genesis = try node.charter()
        try await api.send(.GET, "/v1/charter/history")
        try await api.send(.GET, "/v1/charter", "/v1/charter?at=0")
        #expect(try await api.send(.GET, "/v1/charter", "/v1/charter?at=soon").status == 400)
        #expect(try await api.send(.GET, "/v1/charter", "/v1/charter?at=999999").status == 404)
        #expect(try await api.send(.GET, "/v1/amendments/{id}", "/v1/amendments/\(String(repeating: "0", count: 64))").status == 404)

        // An amendment that tightens the trigger policy, signed by all three parties in one envelope.
        var next = genesis
        next.trigger = PolicyRule(clauses: [PolicyClause(atLeast: 3)])
        let now = Int64(Date().timeIntervalSince1970) * 1000
        let amendment = Amendment(
            federation: genesis.federation, amends: genesis.id, charter: next, proposer: "lab-a", reason: "three to pause",
            created: now, expires: now + 3_600_000, nonce: String(repeating: "ab", count: 8))
        var envelope = amendment.unsignedEnvelope()
        for party in ["lab-a", "lab-b", "gov-a"] { envelope = envelope.signed(with: try node.key(party)) }
        let passed = try await api.send(.POST, "/v1/declarations", body: envelope.jsonBytes())
        #expect(passed.json["state"] as? String == "passed", "\(String(decoding: passed.body, as: UTF8.self))")
        let id = motionID(payload: envelope.payload)
        try await api.send(.GET, "/v1/amendments")
        let view = try await api.send(.GET, "/v1/amendments/{id}", "/v1/amendments/\(id)")
        #expect(view.json["changes"] as? [String] == ["~ trigger policy: at least 2 parties of any class -> at least 3 parties of any class"], "\(view.json)")
        let history = try await api.send(.GET, "/v1/charter/history")
        let charters = history.json["charters"] as? [[String: Any]] ?? []
        #expect(charters.map { $0["id"] as? String } == [genesis.id, next.id], "\(history.json)")
        #expect(charters.last?["causeKind"] as? String == "amendment" && charters.last?["cause"] as? String == id)
        let index = try #require(passed.json["index"] as? Int)
        let old = try await api.send(.GET, "/v1/charter", "/v1/charter?at=\(index)")
        #expect(old.json["id"] as? String == genesis.id && old.json["trigger"] as? String == "at least 2 parties of any class")
        let now2 = try await api.send(.GET, "/v1/charter")
        #expect(now2.json["id"] as? String == next.id && now2.json["since"] as? Int == index && now2.json["genesis"] as? String == genesis.id)
        let checked = try OpenAPIChecker.check(api.exchanges)
        #expect(checked.status == 0, "\(checked.output)")
    }
}
