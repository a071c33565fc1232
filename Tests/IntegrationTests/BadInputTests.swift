import BrakeCore
import Foundation
import Testing

/// Every bad submission answers a 4xx with a stable code and leaves the log unchanged, against a
/// real `braked` over its Unix socket.
@Suite("Bad input leaves nothing behind", .serialized)
struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var status: Int
        var code: String
        var body: @Sendable (Fixture) throws -> [UInt8]
        var description: String { name }
    }

    struct Fixture: Sendable {
        var charter: Charter
        var labA: SigningKey
        var labB: SigningKey
        var stranger: SigningKey
        var passedMotion: Envelope
    }

    static let cases: [Case] = [
        Case(name: "malformed JSON", status: 400, code: "malformed_json") { _ in Array("{\"payload\": ".utf8) },
        Case(name: "bad base64", status: 400, code: "bad_base64") { _ in
            Array(#"{"payloadType":"application/vnd.brake.motion.v1+json","payload":"!!!not base64!!!","signatures":[{"keyid":"","sig":"AAAA"}]}"#.utf8)
        },
        Case(name: "wrong payloadType", status: 415, code: "wrong_payload_type") { f in
            var e = try motionEnvelope(charter: f.charter, kind: "trigger", scope: "bad/type", proposer: "lab-a", signers: [])
            e.payloadType = "application/json"
            return e.signed(with: f.labA).jsonBytes()
        },
        Case(name: "signature by an unknown key", status: 422, code: "unknown_key") { f in
            try motionEnvelope(charter: f.charter, kind: "trigger", scope: "bad/unknown-key", proposer: "lab-a", signers: [f.stranger]).jsonBytes()
        },
        Case(name: "invalid signature", status: 422, code: "bad_signature") { f in
            var e = try motionEnvelope(charter: f.charter, kind: "trigger", scope: "bad/sig", proposer: "lab-a", signers: [f.labA])
            e.signatures[0].sig[5] ^= 0xff
            return e.jsonBytes()
        },
        Case(name: "motion of another federation", status: 422, code: "wrong_federation") { f in
            try motionEnvelope(charter: f.charter, kind: "trigger", scope: "bad/fed", proposer: "lab-a", federation: "other-federation", signers: [f.labA]).jsonBytes()
        },
        Case(name: "expired motion", status: 422, code: "motion_expired") { f in
            try motionEnvelope(charter: f.charter, kind: "trigger", scope: "bad/expired", proposer: "lab-a", now: Date().addingTimeInterval(-7200), lifetime: 3600, signers: [f.labA]).jsonBytes()
        },
        Case(name: "lift of an unknown pause", status: 404, code: "unknown_pause") { f in
            try motionEnvelope(charter: f.charter, kind: "lift", scope: "training", pause: String(repeating: "ab", count: 32), proposer: "lab-a", signers: [f.labA]).jsonBytes()
        },
        Case(name: "submission that adds no new signature", status: 409, code: "no_new_signature") { f in
            f.passedMotion.jsonBytes()
        },
        Case(name: "oversized body", status: 413, code: "too_large") { _ in
            Array(repeating: UInt8(ascii: " "), count: 300 * 1024)
        },
    ]

    @Test("each bad input is refused with its code and leaves the log unchanged")
    func badInputs() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        let charter = try node.charter()
        let labA = try node.key("lab-a")
        // A motion that is open with lab-a's signature: resubmitting it adds nothing.
        let open = try motionEnvelope(charter: charter, kind: "trigger", scope: "bad/base", proposer: "lab-a", signers: [labA])
        let first = try await node.post("/v1/declarations", body: open.jsonBytes())
        #expect(first.status == 200)
        let fixture = Fixture(
            charter: charter, labA: labA, labB: try node.key("lab-b"),
            stranger: try SigningKey(seed: Array(repeating: 7, count: 32)), passedMotion: open
        )
        let logBefore = try await node.get("/v1/log?from=1&limit=1000").body
        let statusBefore = try await node.get("/v1/status").json["lastIndex"] as? Int
        for item in Self.cases {
            let reply = try await node.post("/v1/declarations", body: try item.body(fixture))
            #expect(reply.status == item.status, "\(item.name): status \(reply.status), body \(String(decoding: reply.body, as: UTF8.self))")
            #expect(reply.errorCode == item.code, "\(item.name): code \(reply.errorCode ?? "none")")
            let message = (reply.json["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(!message.isEmpty, "\(item.name): no message")
        }
        #expect(try await node.get("/v1/status").json["lastIndex"] as? Int == statusBefore)
        #expect(try await node.get("/v1/log?from=1&limit=1000").body == logBefore)
        // The node is still healthy and accepts good input afterwards.
        let good = try motionEnvelope(charter: charter, kind: "trigger", scope: "bad/after", proposer: "lab-a", signers: [labA])
        #expect(try await node.post("/v1/declarations", body: good.jsonBytes()).status == 200)
    }

    @Test("unknown routes and bad query parameters answer JSON errors")
    func badRequests() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        let missing = try await node.get("/v1/nope")
        #expect(missing.status == 404)
        #expect(missing.errorCode == "not_found")
        #expect(try await node.get("/v1/check").errorCode == "bad_request")
        #expect(try await node.get("/v1/check?scope=Bad//Scope").errorCode == "invalid_scope")
        #expect(try await node.get("/v1/check?scope=training&max-staleness=soon").errorCode == "bad_request")
        #expect(try await node.get("/v1/motions/doesnotexist").status == 404)
        // The socket is not open to everyone.
        let mode = try FileManager.default.attributesOfItem(atPath: node.socketPath)[.posixPermissions] as? Int
        #expect(mode == 0o660)
    }
}
