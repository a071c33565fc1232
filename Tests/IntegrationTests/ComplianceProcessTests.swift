import BrakeCore
import BrakeFiles
import Foundation
import Testing

/// Compliance through a real `braked` and the real `brakectl`: a federation whose labs attest every
/// 3 seconds, so a missed deadline happens within the test.
@Suite("Compliance through a real node", .serialized)
struct ComplianceProcessTests {
    @Test("a pause, an attestation, its countersignature and dispute, and a missed deadline show in brakectl, the API and the events")
    func complianceEndToEnd() async throws {
        let dir = BrakedProcess.temporaryDirectory()
        let node = try await Self.startNode(in: dir, attestationInterval: "3s")
        defer { _ = node.terminate() }
        let socket = node.socketPath
        func key(_ party: String) -> String { "\(dir)/\(party).key" }

        // gov-a proposes, lab-a co-signs: the pause is in force.
        let proposed = try brakectl(["propose", "trigger", "training", "--reason", "eval E-17", "--key", key("gov-a"), "--json"], socket: socket)
        let pauseID = try #require(jsonObject(proposed.output)["id"] as? String, "propose printed: \(proposed.output)")
        #expect(try brakectl(["sign", pauseID, "--key", key("lab-a"), "--json"], socket: socket).status == 0)

        // lab-b attests; gov-a countersigns, then disputes (it learned more).
        let attested = try brakectl([
            "attest", pauseID, "--period", "w0", "--claim", "no-training-above-threshold", "--key", key("lab-b"), "--json",
        ], socket: socket)
        let attestationID = try #require(jsonObject(attested.output)["id"] as? String, "attest printed: \(attested.output)")
        let countersigned = try brakectl(["attest", "countersign", attestationID, "--key", key("gov-a"), "--json"], socket: socket)
        #expect(countersigned.status == 0 && jsonObject(countersigned.output)["state"] as? String == "countersigned", "\(countersigned.output)")
        let reason = "run R-9 exceeded the threshold"
        let shown = try brakectl(["attest", "dispute", attestationID, "--reason", reason, "--key", key("gov-a")], socket: socket)
        #expect(shown.status == 0 && shown.output.contains("disputing attestation \(attestationID) as gov-a"), "\(shown.output)")
        #expect(shown.output.contains(#"claim:      "no-training-above-threshold""#) && shown.output.contains(": disputed (entry"), "\(shown.output)")

        // Refused reviews, with their stable codes, leave nothing behind.
        let charter = try Charter.verify(Envelope(json: FileBytes.read("\(dir)/charter.dsse.json")))
        let govA = try KeyFiles.signingKey(at: key("gov-a")).key, labA = try KeyFiles.signingKey(at: key("lab-a")).key
        func review(_ attestation: String, _ verdict: ReviewVerdict, party: String, signer: SigningKey) async throws -> BrakedProcess.Reply {
            let review = AttestationReview(
                federation: charter.federation, attestation: attestation, party: party, verdict: verdict, reason: "again",
                created: Int64(Date().timeIntervalSince1970) * 1000)
            return try await node.post("/v1/declarations", body: review.unsignedEnvelope().signed(with: signer).jsonBytes())
        }
        let refusals = [
            (try await review(attestationID, .dispute, party: "gov-a", signer: govA), 409, "duplicate_review"),
            (try await review(attestationID, .countersign, party: "lab-a", signer: labA), 422, "reviewer_not_government"),
            (try await review(String(repeating: "ab", count: 32), .dispute, party: "gov-a", signer: govA), 404, "unknown_attestation"),
        ]
        for (reply, status, code) in refusals {
            #expect(reply.status == status && reply.errorCode == code, "\(code): \(String(decoding: reply.body, as: UTF8.self))")
        }
        #expect(try brakectl(["attest", "dispute", attestationID, "--key", key("gov-a")], socket: socket).status == 64)
        let attestation = try await node.get("/v1/attestations/\(attestationID)").json
        let reviews = attestation["reviews"] as? [[String: Any]] ?? []
        #expect(reviews.map { $0["verdict"] as? String } == ["countersign", "dispute"], "\(attestation)")

        // lab-a never attested: once its first deadline passes by the node's clock, it reads overdue.
        try await waitFor("lab-a to read overdue", within: .seconds(30)) {
            try await Self.row(node, "lab-a")?["overdue"] as? Bool == true
        }
        // The next entry's time reaches the deadline: the registry records it as an event, once.
        #expect(try brakectl(["propose", "trigger", "eval", "--reason", "tick", "--key", key("lab-b"), "--json"], socket: socket).status == 0)
        let stream = try await readStream(node: node, "/v1/events", headers: [("Last-Event-ID", "0")]) { text in
            text.contains(#""party":"lab-a","pause""#) && text.hasSuffix("\n\n")
        }
        #expect(stream.complete, "no attestation_overdue event for lab-a within 10 s: \(stream.text)")
        for fragment in ["event: attestation_countersigned\n", "event: attestation_disputed\n", #""reason":"\#(reason)""#, #""reviewer":"gov-a""#] {
            #expect(stream.text.contains(fragment), "no \(fragment) in \(stream.text)")
        }
        #expect(stream.text.components(separatedBy: #""party":"lab-a","pause""#).count - 1 == 1, "lab-a's missed deadline reported more than once: \(stream.text)")

        // The API view: lab-a overdue since its deadline; lab-b's attestation disputed, with the reason.
        let labARow = try #require(try await Self.row(node, "lab-a"))
        let labBRow = try #require(try await Self.row(node, "lab-b"))
        #expect(labARow["overdueSince"] as? String != nil && labARow["lastAttestation"] == nil && labARow["expected"] as? Bool == true)
        #expect(labBRow["disputedBy"] as? [String] == ["gov-a"] && (labBRow["countersignedBy"] as? [String])?.isEmpty == true, "\(labBRow)")
        let disputes = labBRow["disputes"] as? [[String: Any]] ?? []
        #expect(disputes.count == 1 && disputes.first?["reason"] as? String == reason && disputes.first?["attestation"] as? String == attestationID)
        #expect(try await Self.row(node, "gov-a") == nil, "gov-a never attested and owes nothing")

        // brakectl compliance: the table, and --json as the API says.
        let table = try brakectl(["compliance"], socket: socket)
        let lines = table.output.split(separator: "\n").map(String.init)
        #expect(table.status == 0 && table.output.contains("pause \(pauseID) (training)"), "\(table.output)")
        #expect(lines.contains { $0.contains("lab-a") && $0.contains("OVERDUE since") && $0.contains("none") }, "\(table.output)")
        #expect(lines.contains { $0.contains("lab-b") && $0.contains("w0 at") && $0.contains("DISPUTED by gov-a") }, "\(table.output)")
        #expect(table.output.contains(#"gov-a disputed period w0"#) && table.output.contains(#""\#(reason)""#), "\(table.output)")
        let printed = try brakectl(["compliance", "--json", "--pause", pauseID], socket: socket)
        let printedRows = jsonObject(printed.output)["compliance"] as? [[String: Any]] ?? []
        #expect(printed.status == 0 && printedRows.map { $0["party"] as? String } == ["lab-a", "lab-b"], "\(printed.output)")
        #expect(try brakectl(["compliance", "--pause", String(repeating: "0", count: 64)], socket: socket).status == 65)
    }

    /// The compliance row of `party` for the pauses in force, from `GET /v1/compliance`.
    static func row(_ node: BrakedProcess, _ party: String) async throws -> [String: Any]? {
        let rows = try await node.get("/v1/compliance").json["compliance"] as? [[String: Any]] ?? []
        return rows.first { $0["party"] as? String == party }
    }

    /// A one-node federation of lab-a, lab-b and gov-a made with brakectl, whose labs attest every
    /// `attestationInterval`, served by `braked --config`; keys are `DIR/<party>.key`.
    static func startNode(in dir: String, attestationInterval: String) async throws -> BrakedProcess {
        for party in ["lab-a", "lab-b", "gov-a"] {
            let made = try brakectl(["keygen", "--party", party, "--out", "\(dir)/\(party).key"], socket: "")
            guard made.status == 0 else { throw TestFailure("keygen \(party): \(made.output)") }
        }
        let identity = try brakectl(["node", "init", "--dir", "\(dir)/node-a", "--id", "node-a", "--party", "lab-a", "--address", "127.0.0.1:7401"], socket: "")
        guard identity.status == 0 else { throw TestFailure("node init: \(identity.output)") }
        let charterPath = "\(dir)/charter.dsse.json"
        let made = try brakectl([
            "charter", "init", "--federation", "it-compliance",
            "--party", "lab-a:Lab A:lab:\(dir)/lab-a.key.pub", "--party", "lab-b:Lab B:lab:\(dir)/lab-b.key.pub",
            "--party", "gov-a:Gov A:government:\(dir)/gov-a.key.pub", "--node-file", "\(dir)/node-a/node.pub.json",
            "--trigger", "2:any", "--lift", "2:any,1:government", "--amend", "3:any",
            "--attestation-interval", attestationInterval, "--out", charterPath,
        ], socket: "")
        guard made.status == 0 else { throw TestFailure("charter init: \(made.output)") }
        for party in ["lab-a", "lab-b", "gov-a"] {
            let signed = try brakectl(["charter", "sign", charterPath, "--key", "\(dir)/\(party).key"], socket: "")
            guard signed.status == 0 else { throw TestFailure("charter sign \(party): \(signed.output)") }
        }
        let config = #"{"dataDir": "data", "charter": "charter.dsse.json", "node": "node-a", "tickMillis": 50}"#
        _ = FileManager.default.createFile(atPath: "\(dir)/node.json", contents: Data(config.utf8))
        try FileManager.default.createDirectory(atPath: "\(dir)/data", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return try await BrakedProcess(dataDirectory: "\(dir)/data", arguments: ["--config", "\(dir)/node.json"], dev: false)
    }
}
