import BrakeCore
import Foundation
import Testing

/// Every route of a real `braked`, in success and in error, answers as Specs/openapi.yaml says,
/// and its JSON reads as a `curl` or `jq` user expects.
@Suite("Real responses match the OpenAPI document", .serialized)
struct OpenAPIResponseTests {
    @Test("every route's real responses match the document")
    func realResponsesMatch() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        let charter = try node.charter()
        let labA = try node.key("lab-a"), labB = try node.key("lab-b"), govA = try node.key("gov-a")
        let api = ExchangeLog(node: node)

        // Node and charter; a clear verdict, local and linearizable; every bad query parameter.
        try await api.send(.GET, "/v1/status")
        try await api.send(.GET, "/v1/charter")
        try await api.send(.GET, "/v1/charter/history")
        try await api.send(.GET, "/v1/amendments")
        try await expectStatus(404, api.send(.GET, "/v1/amendments/{id}", "/v1/amendments/\(String(repeating: "0", count: 64))"))
        try await api.send(.GET, "/v1/motions")
        let clear = try await api.send(.GET, "/v1/check", "/v1/check?scope=training/frontier")
        #expect(clear.json["verdict"] as? String == "clear", "\(text(clear))")
        try await api.send(.GET, "/v1/check", "/v1/check?scope=training&max-staleness=2s&consistency=linearizable")
        for target in ["/v1/check", "/v1/check?scope=Bad//Scope", "/v1/check?scope=training&max-staleness=soon",
                       "/v1/check?scope=training&consistency=eventual"] {
            let refused = try await api.send(.GET, "/v1/check", target)
            #expect(refused.status == 400, "\(target): \(text(refused))")
        }

        // A trigger opened by lab-a, refused when resubmitted, passed by lab-b's co-signature.
        let trigger = try motionEnvelope(charter: charter, kind: "trigger", scope: "training/frontier", proposer: "lab-a", signers: [labA])
        let opened = try await api.send(.POST, "/v1/declarations", body: trigger.jsonBytes())
        #expect(opened.json["state"] as? String == "open", "\(text(opened))")
        let pauseID = try #require(opened.json["id"] as? String)
        try await expectStatus(409, api.send(.POST, "/v1/declarations", body: trigger.jsonBytes()))
        try await api.send(.GET, "/v1/motions/{id}", "/v1/motions/\(pauseID)")
        let cosigned = Envelope(payloadType: trigger.payloadType, payload: trigger.payload).signed(with: labB)
        try await expectStatus(200, api.send(.POST, "/v1/declarations", body: cosigned.jsonBytes()))
        let paused = try await api.send(.GET, "/v1/check", "/v1/check?scope=training/frontier/run-7")
        #expect(paused.json["verdict"] as? String == "paused", "\(text(paused))")

        // An attestation while the pause is in force; compliance shows it, and the lab that did not attest.
        let attestation = Attestation(
            federation: charter.federation, pause: pauseID, party: "lab-b", period: RFC3339.date(Int64(Date().timeIntervalSince1970) * 1000),
            claims: ["no-training-above-threshold"], evidence: ["sha256:" + String(repeating: "b", count: 64)],
            created: Int64(Date().timeIntervalSince1970) * 1000
        )
        let attested = try await api.send(.POST, "/v1/declarations", body: attestation.unsignedEnvelope().signed(with: labB).jsonBytes())
        let attestationID = try #require(attested.json["id"] as? String, "\(text(attested))")

        // gov-a countersigns it, then disputes it; each refused review has its code and status.
        func review(_ id: String, _ verdict: ReviewVerdict, _ party: String, _ key: SigningKey, reason: String = "") -> [UInt8] {
            AttestationReview(
                federation: charter.federation, attestation: id, party: party, verdict: verdict, reason: reason,
                created: Int64(Date().timeIntervalSince1970) * 1000
            ).unsignedEnvelope().signed(with: key).jsonBytes()
        }
        let countersigned = try await api.send(.POST, "/v1/declarations", body: review(attestationID, .countersign, "gov-a", govA))
        #expect(countersigned.json["state"] as? String == "countersigned", "\(text(countersigned))")
        let disputed = try await api.send(.POST, "/v1/declarations", body: review(attestationID, .dispute, "gov-a", govA, reason: "run R-9"))
        #expect(disputed.json["state"] as? String == "disputed", "\(text(disputed))")
        try await expectStatus(409, api.send(.POST, "/v1/declarations", body: review(attestationID, .dispute, "gov-a", govA, reason: "again")))
        try await expectStatus(422, api.send(.POST, "/v1/declarations", body: review(attestationID, .countersign, "lab-a", labA)))
        try await expectStatus(404, api.send(.POST, "/v1/declarations", body: review(String(repeating: "cd", count: 32), .countersign, "gov-a", govA)))
        let attestationView = try await api.send(.GET, "/v1/attestations/{id}", "/v1/attestations/\(attestationID)")
        try await expectStatus(404, api.send(.GET, "/v1/attestations/{id}", "/v1/attestations/\(String(repeating: "0", count: 64))"))
        let compliance = try await api.send(.GET, "/v1/compliance")

        // A lift signed by a lab and a government ends the pause; a second pause stays in force.
        let lift = try motionEnvelope(charter: charter, kind: "lift", scope: "training/frontier", pause: pauseID, proposer: "lab-a", signers: [labA, govA])
        let lifted = try await api.send(.POST, "/v1/declarations", body: lift.jsonBytes())
        #expect(lifted.json["state"] as? String == "passed", "\(text(lifted))")
        let liftID = try #require(lifted.json["id"] as? String)
        try await api.send(.GET, "/v1/motions/{id}", "/v1/motions/\(liftID)")
        try await expectStatus(200, api.send(.POST, "/v1/declarations",
            body: try motionEnvelope(charter: charter, kind: "trigger", scope: "eval", proposer: "lab-b", signers: [labB, govA]).jsonBytes()))
        // The lifted pause's compliance, asked by id; an unknown pause is 404.
        let liftedCompliance = try await api.send(.GET, "/v1/compliance", "/v1/compliance?pause=\(pauseID)")
        #expect((liftedCompliance.json["compliance"] as? [[String: Any]])?.count == 2, "\(text(liftedCompliance))")
        try await expectStatus(404, api.send(.GET, "/v1/compliance", "/v1/compliance?pause=nope"))

        // Refused declarations, one per status the node can show on a healthy single node.
        try await expectStatus(400, api.send(.POST, "/v1/declarations", body: Array(#"{"payload": "#.utf8)))
        var wrongType = try motionEnvelope(charter: charter, kind: "trigger", scope: "bad/type", proposer: "lab-a", signers: [])
        wrongType.payloadType = "application/json"
        try await expectStatus(415, api.send(.POST, "/v1/declarations", body: wrongType.signed(with: labA).jsonBytes()))
        let stranger = try SigningKey(seed: Array(repeating: 9, count: 32))
        try await expectStatus(422, api.send(.POST, "/v1/declarations",
            body: try motionEnvelope(charter: charter, kind: "trigger", scope: "bad/key", proposer: "lab-a", signers: [stranger]).jsonBytes()))
        try await expectStatus(404, api.send(.POST, "/v1/declarations",
            body: try motionEnvelope(charter: charter, kind: "lift", scope: "eval", pause: String(repeating: "ab", count: 32), proposer: "lab-a", signers: [labA]).jsonBytes()))
        try await expectStatus(409, api.send(.POST, "/v1/declarations",
            body: try motionEnvelope(charter: charter, kind: "trigger", scope: "eval", proposer: "lab-a", signers: [labA, labB]).jsonBytes()))
        try await expectStatus(413, api.send(.POST, "/v1/declarations", body: Array(repeating: UInt8(ascii: " "), count: 300 * 1024)))

        // The registry and the log as they now stand.
        try await expectStatus(404, api.send(.GET, "/v1/motions/{id}", "/v1/motions/\(String(repeating: "0", count: 64))"))
        try await expectStatus(404, api.send(.GET, "/v1/motions/{id}", "/v1/motions/not-a-motion"))
        let motions = try await api.send(.GET, "/v1/motions")
        let pauses = try await api.send(.GET, "/v1/pauses")
        let log = try await api.send(.GET, "/v1/log")
        try await api.send(.GET, "/v1/log", "/v1/log?from=2&limit=2")
        let beyond = try await api.send(.GET, "/v1/log", "/v1/log?from=100000")
        #expect((beyond.json["entries"] as? [Any])?.isEmpty == true, "\(text(beyond))")

        // The Merkle tree over the log: its head, proofs by entry index, and each refusal.
        // Checkpoints are periodic: wait for one that holds the whole tree (every declaration so far).
        let openedIndex = try #require(opened.json["index"] as? Int, "\(text(opened))")
        let current = try await api.send(.GET, "/v1/proof/inclusion", "/v1/proof/inclusion?index=\(openedIndex)")
        let treeSize = try #require(current.json["treeSize"] as? Int, "\(text(current))")
        #expect(current.json["leafIndex"] as? Int == 0, "\(text(current))")
        var checkpoint = try await api.send(.GET, "/v1/checkpoint")
        let checkpointDeadline = Date().addingTimeInterval(15)
        while (checkpoint.json["size"] as? Int ?? 0) < treeSize, Date() < checkpointDeadline {
            try await Task.sleep(for: .milliseconds(200))
            checkpoint = try await api.send(.GET, "/v1/checkpoint")
        }
        #expect(checkpoint.json["final"] as? Bool == true, "a lone node's checkpoint is final: \(text(checkpoint))")
        try await api.send(.GET, "/v1/evidence")
        let size = try #require(checkpoint.json["size"] as? Int, "\(text(checkpoint))")
        #expect(size == treeSize && size >= 4, "the checkpoint holds \(size) of the tree's \(treeSize) leaves: \(text(checkpoint))")
        try await api.send(.GET, "/v1/proof/inclusion", "/v1/proof/inclusion?index=\(openedIndex)&size=\(size)")
        try await expectStatus(400, api.send(.GET, "/v1/proof/inclusion", "/v1/proof/inclusion?index=first"))
        try await expectStatus(400, api.send(.GET, "/v1/proof/inclusion", "/v1/proof/inclusion?index=\(openedIndex)&size=-1"))
        try await expectStatus(404, api.send(.GET, "/v1/proof/inclusion", "/v1/proof/inclusion?index=\(openedIndex)&size=\(size + 1)"))
        try await expectStatus(404, api.send(.GET, "/v1/proof/inclusion", "/v1/proof/inclusion?index=100000"))
        try await api.send(.GET, "/v1/proof/consistency", "/v1/proof/consistency?from=1&to=\(size)")
        try await api.send(.GET, "/v1/proof/consistency", "/v1/proof/consistency?from=\(size)&to=\(size)")
        try await expectStatus(400, api.send(.GET, "/v1/proof/consistency", "/v1/proof/consistency?from=0&to=\(size)"))
        try await expectStatus(400, api.send(.GET, "/v1/proof/consistency", "/v1/proof/consistency?from=2"))
        try await expectStatus(404, api.send(.GET, "/v1/proof/consistency", "/v1/proof/consistency?from=1&to=\(size + 1)"))
        try await expectStatus(200, api.send(.GET, "/metrics"))
        try await expectStatus(404, api.send(.GET, "/v1/nope", schema: "#/components/schemas/ErrorBody"))
        try await expectStatus(404, api.send(.POST, "/v1/status", body: [], schema: "#/components/schemas/ErrorBody"))

        // The event stream from the start, read until the second pause's event has arrived.
        let stream = try await readStream(node: node, "/v1/events", headers: [("Last-Event-ID", "0")]) { text in
            text.contains(#""scope":"eval""#) && text.hasSuffix("\n\n")
        }
        #expect(stream.complete, "the event stream did not reach the second pause within 10 s; read: \(stream.text)")
        #expect(stream.status == 200 && stream.contentType == "text/event-stream", "status \(stream.status), \(stream.contentType)")
        for type in ["motion_opened", "motion_signed", "motion_passed", "pause_in_force", "attestation_recorded", "pause_lifted",
                     "attestation_countersigned", "attestation_disputed"] {
            #expect(stream.text.contains("event: \(type)\n"), "no \(type) event in \(stream.text)")
        }
        func streamExchange(_ body: String) -> Exchange {
            Exchange(method: "GET", path: "/v1/events", request: "/v1/events (Last-Event-ID: 0)", status: stream.status,
                     contentType: stream.contentType, body: body)
        }

        // Every response so far against the document, every operation at least once.
        #expect(stream.text.contains("id: "), "no event ids in \(stream.text)")
        let checked = try OpenAPIChecker.check(api.exchanges + [streamExchange(stream.text)], everyOperation: true)
        #expect(checked.status == 0, "\(checked.output)")

        // JSON that reads well: no escaped slash anywhere, scopes as they are.
        for exchange in api.exchanges where exchange.contentType == "application/json" {
            #expect(!exchange.body.contains(#"\/"#), "\(exchange.request) escapes slashes: \(exchange.body)")
        }
        #expect(text(paused).contains(#""scope":"training/frontier/run-7""#), "\(text(paused))")

        // Times: RFC 3339 text, and the exact milliseconds beside it where the node has them.
        for pause in pauses.json["pauses"] as? [[String: Any]] ?? [] {
            expectTwins(pause, ["since", "liftedTime"], in: "pause \(pause["id"] ?? "?")")
        }
        let pauseList = pauses.json["pauses"] as? [[String: Any]] ?? []
        #expect(pauseList.count == 2 && pauseList.first?["liftedBy"] as? String == liftID, "\(text(pauses))")
        expectTwins(compliance.json, ["asOf"], in: "the compliance report")
        for row in compliance.json["compliance"] as? [[String: Any]] ?? [] {
            expectTwins(row, ["lastAttested", "nextDue", "overdueSince"], in: "compliance row of \(row["party"] ?? "?")")
            expectTwins(row["lastAttestation"] as? [String: Any] ?? [:], ["time"], in: "last attestation of \(row["party"] ?? "?")")
            for dispute in row["disputes"] as? [[String: Any]] ?? [] { expectTwins(dispute, ["time"], in: "a dispute") }
        }
        let rows = compliance.json["compliance"] as? [[String: Any]] ?? []
        let labBRow = rows.first { $0["party"] as? String == "lab-b" }
        #expect(labBRow?["lastAttested"] != nil && labBRow?["disputedBy"] as? [String] == ["gov-a"], "\(text(compliance))")
        #expect((labBRow?["disputes"] as? [[String: Any]])?.first?["reason"] as? String == "run R-9", "\(text(compliance))")
        #expect(rows.contains { $0["party"] as? String == "lab-a" && $0["lastAttested"] == nil && $0["nextDue"] != nil }, "\(text(compliance))")
        let reviewList = attestationView.json["reviews"] as? [[String: Any]] ?? []
        #expect(reviewList.map { $0["verdict"] as? String } == ["countersign", "dispute"], "\(text(attestationView))")
        for item in reviewList { expectTwins(item, ["time"], in: "a review") }
        for motion in motions.json["motions"] as? [[String: Any]] ?? [] {
            for signer in motion["signers"] as? [[String: Any]] ?? [] {
                expectTwins(signer, ["time"], in: "signer \(signer["party"] ?? "?") of \(motion["id"] ?? "?")")
            }
        }

        // The log holds each declaration as its envelope, a JSON object that is the envelope submitted.
        let entries = log.json["entries"] as? [[String: Any]] ?? []
        for entry in entries where entry["noop"] as? Bool == false {
            expectTwins(entry, ["time"], in: "log entry \(entry["index"] ?? "?")")
        }
        let first = try #require(entries.first { $0["noop"] as? Bool == false }, "no declaration in \(text(log))")
        let declaration = try #require(first["declaration"] as? [String: Any], "the declaration is not a JSON object: \(first)")
        let envelope = try Envelope(json: Array(try JSONSerialization.data(withJSONObject: declaration)))
        #expect(envelope == trigger, "the log's first declaration is not the trigger submitted: \(declaration)")

        // brakectl reads the new shapes.
        let logged = try brakectl(["log"], socket: node.socketPath)
        #expect(logged.status == 0 && logged.output.contains(#"{"payload":""#) && logged.output.contains(#""payloadType":"application/vnd.brake.motion.v1+json""#),
                "brakectl log printed: \(logged.output)")
        let listed = try brakectl(["pauses", "--json"], socket: node.socketPath)
        #expect(listed.status == 0 && listed.output.contains(#"training/frontier""#) && !listed.output.contains(#"\/"#),
                "brakectl pauses --json printed: \(listed.output)")
    }

    func text(_ reply: BrakedProcess.Reply) -> String { String(decoding: reply.body, as: UTF8.self) }

    func expectStatus(_ status: Int, _ reply: BrakedProcess.Reply, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == status, "status \(reply.status), body \(text(reply))", sourceLocation: sourceLocation)
    }

    /// Each `name` that is present is RFC 3339 text whose instant is `nameMillis`, truncated to the second.
    func expectTwins(_ object: [String: Any], _ names: [String], in what: String) {
        for name in names where object[name] != nil || object[name + "Millis"] != nil {
            let millis = (object[name + "Millis"] as? NSNumber)?.int64Value
            #expect(millis.map(RFC3339.format) == object[name] as? String && object[name] != nil,
                    "\(what): \(name) \(object[name] ?? "absent") and \(name)Millis \(object[name + "Millis"] ?? "absent") disagree")
        }
    }
}
