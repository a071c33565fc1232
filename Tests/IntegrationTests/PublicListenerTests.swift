import BrakeCore
import AsyncHTTPClient
import NIOHTTP1
import Foundation
import Testing

/// `braked --public-listen`: outsiders read the record over plain HTTP, and can never write.
@Suite("Public read-only listener", .serialized)
struct PublicListenerTests {
    @Test("the public routes answer the same JSON as the Unix socket, and nothing else is served")
    func sameReads() async throws {
        let listener = try await PublicListener.start()
        defer { _ = listener.node.terminate() }
        let node = listener.node
        let pause = try makePause(on: node, scope: "training")
        let triggeredAt = try #require(
            ((try await node.get("/v1/pauses")).json["pauses"] as? [[String: Any]])?.first?["triggeredAt"] as? Int)
        for path in [
            "/v1/charter", "/v1/pauses", "/v1/motions", "/v1/motions/\(pause)", "/v1/compliance", "/v1/compliance?pause=\(pause)", "/v1/checkpoint",
            "/v1/log?from=1&limit=50", "/v1/proof/inclusion?index=\(triggeredAt)", "/v1/proof/consistency?from=1&to=2",
        ] {
            let local = try await node.get(path)
            let outside = try await listener.request(path)
            #expect(local.status == 200 && outside.status == 200, "\(path): socket \(local.status), public \(outside.status) \(outside.text)")
            #expect(Self.sameAnswer(outside.body, local.body), "\(path): the public listener answered \(outside.text), the socket \(String(decoding: local.body, as: UTF8.self))")
            #expect(outside.headers["Content-Security-Policy"].first?.contains("default-src 'self'") == true, "\(path): \(outside.headers)")
        }
        // The charter names each node's checkpoint key, which the page verifies cosignatures with.
        let charter = try node.charter()
        let nodes = (try await listener.request("/v1/charter")).json["nodes"] as? [[String: Any]]
        #expect(nodes?.first?["checkpointKey"] as? String == charter.nodes[0].checkpointKey.base64, "\(nodes ?? [])")

        // The page and its files, from this listener only.
        let page = try await listener.request("/")
        #expect(page.status == 200 && page.headers["Content-Type"].first?.hasPrefix("text/html") == true)
        #expect(page.text.contains(#"<script type="module" src="/page/app.js">"#), "\(page.text)")
        #expect(!page.text.contains("http://") && !page.text.contains("https://"), "the page loads nothing from elsewhere")
        for asset in ["/page/app.js", "/page/verify.js", "/page/style.css"] {
            let reply = try await listener.request(asset)
            #expect(reply.status == 200 && !reply.body.isEmpty, "\(asset): \(reply.status)")
            #expect(!reply.text.contains("https://") && !reply.text.contains("http://"), "\(asset) names another origin")
        }
        // Routes of the Unix socket that are not for outsiders.
        for path in ["/v1/status", "/v1/check?scope=training", "/metrics", "/v1/declarations", "/v1/nothing"] {
            let reply = try await listener.request(path)
            #expect(reply.status == 404 && reply.errorCode == "not_found", "\(path): \(reply.status) \(reply.text)")
        }
    }

    @Test("every write is refused with 405 and never reaches the node")
    func refusesWrites() async throws {
        let listener = try await PublicListener.start()
        defer { _ = listener.node.terminate() }
        let node = listener.node
        let charter = try node.charter()
        let motion = try motionEnvelope(
            charter: charter, kind: "trigger", scope: "training", proposer: "lab-a", signers: [node.key("lab-a"), node.key("lab-b")])
        let before = try await node.get("/v1/status").json["commitIndex"] as? Int
        var refusals: [PublicListener.Reply] = []
        for (method, path) in [(HTTPMethod.POST, "/v1/declarations"), (.PUT, "/v1/declarations"), (.DELETE, "/v1/pauses"), (.PATCH, "/v1/charter"), (.POST, "/")] {
            let reply = try await listener.request(path, method: method, body: motion.jsonBytes())
            refusals.append(reply)
            #expect(reply.status == 405 && reply.errorCode == "method_not_allowed", "\(method) \(path): \(reply.status) \(reply.text)")
            #expect(reply.headers["Allow"].first == "GET", "\(method) \(path): \(reply.headers)")
        }
        try expectDocumented(refusals, "405")
        let motions = try await node.get("/v1/motions").json["motions"] as? [Any]
        #expect(motions?.isEmpty == true, "a motion sent to the public listener was recorded: \(motions ?? [])")
        let after = try await node.get("/v1/status").json["commitIndex"] as? Int
        #expect(before != nil && after == before, "the commit index moved from \(before ?? -1) to \(after ?? -1)")
        // The same envelope through the Unix socket is taken: the socket is the way to write.
        let posted = try await node.post("/v1/declarations", body: motion.jsonBytes())
        #expect(posted.status == 200, "\(String(decoding: posted.body, as: UTF8.self))")
    }

    @Test("pages of the log are capped, event streams are capped, and a client over its rate gets 429")
    func limits() async throws {
        let listener = try await PublicListener.start()
        defer { _ = listener.node.terminate() }
        let node = listener.node
        let charter = try node.charter()
        let labA = try node.key("lab-a")
        for n in 0..<110 {
            let motion = try motionEnvelope(charter: charter, kind: "trigger", scope: "limits/run-\(n)", proposer: "lab-a", signers: [labA])
            let reply = try await node.post("/v1/declarations", body: motion.jsonBytes())
            try #require(reply.status == 200, "submission \(n): \(reply.status)")
        }
        let local = try await node.get("/v1/log?from=1&limit=1000").json["entries"] as? [Any]
        let outside = try await listener.request("/v1/log?from=1&limit=1000")
        let page = outside.json["entries"] as? [[String: Any]]
        #expect((local?.count ?? 0) > 100, "the socket serves \(local?.count ?? 0) entries")
        #expect(page?.count == 100 && page?.first?["index"] as? Int == 1, "the public page of the log has \(page?.count ?? -1) entries")

        // The public listener's event streams have a cap of their own (16 by default), below the
        // node's, so outsiders never take the streams the node's own clients need.
        var streams: [Any] = []
        for n in 0..<16 {
            let stream = try await listener.openStream()
            #expect(stream.status == .ok, "public stream \(n): \(stream.status)")
            streams.append(stream)
        }
        let refused = try await listener.request("/v1/events")
        #expect(refused.status == 503 && refused.errorCode == "too_many_streams", "a 17th public stream: \(refused.status) \(refused.text)")
        let localStream = try await testClient.execute(
            HTTPClientRequest(url: URL(httpURLWithSocketPath: node.socketPath, uri: "/v1/events")!.absoluteString), timeout: .seconds(20))
        #expect(localStream.status == .ok, "the socket's own stream: \(localStream.status)")

        // Requests beyond the burst (60 by default) are refused with Retry-After, in the API's error body.
        var limited: PublicListener.Reply?
        for _ in 0..<100 {
            let reply = try await listener.request("/v1/charter")
            if reply.status == 429 { limited = reply; break }
            #expect(reply.status == 200, "\(reply.status) \(reply.text)")
        }
        let reply = try #require(limited, "100 requests in a row were never limited")
        #expect(reply.errorCode == "rate_limited", "\(reply.text)")
        #expect(Int(reply.headers["Retry-After"].first ?? "") ?? 0 >= 1, "Retry-After: \(reply.headers)")
        try expectDocumented([refused, reply], "503 and 429")
        // The Unix socket is not limited.
        #expect(try await node.get("/v1/charter").status == 200)
        withExtendedLifetime(streams) {}
    }

    /// The same bytes, or, for an answer that says when it was read (`asOf`), the same JSON apart from that.
    static func sameAnswer(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        if a == b { return true }
        func readAt(_ bytes: [UInt8]) -> NSDictionary? {
            guard var object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any], object["asOf"] != nil else { return nil }
            object["asOf"] = nil
            object["asOfMillis"] = nil
            return object as NSDictionary
        }
        guard let left = readAt(a), let right = readAt(b) else { return false }
        return left.isEqual(to: right as? [AnyHashable: Any] ?? [:])
    }

    /// The error answers have the API's documented error body, with codes the document lists.
    func expectDocumented(_ replies: [PublicListener.Reply], _ what: String) throws {
        let exchanges = replies.map {
            Exchange(
                method: "GET", path: "/", request: "public listener", status: $0.status,
                contentType: $0.headers["Content-Type"].first ?? "", body: $0.text, schema: "#/components/schemas/ErrorBody")
        }
        let checked = try OpenAPIChecker.check(exchanges)
        #expect(checked.status == 0, "the public listener's \(what) answers are not the documented error body: \(checked.output)")
    }
}
