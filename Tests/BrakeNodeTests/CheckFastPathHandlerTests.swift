import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

@testable import BrakeNode

/// `CheckFastPath` on an embedded channel: when it answers a check itself and when it must leave the
/// request to the router (the process-level behaviour is in IntegrationTests/CheckFastPathTests).
@Suite("Check fast path handler")
struct CheckFastPathHandlerTests {
    static let body = Array(#"{"verdict":"clear"}"#.utf8)

    func channel() throws -> EmbeddedChannel {
        let handler = CheckFastPath(serverName: "braked") { uri in
            uri.path == "/v1/check" ? APIResponses.Answer(status: .ok, body: Self.body) : nil
        }
        return EmbeddedChannel(handler: handler)
    }

    func request(_ channel: EmbeddedChannel, _ path: String, headers: HTTPFields = [:]) throws {
        try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .get, scheme: nil, authority: "brake", path: path, headerFields: headers)))
        try channel.writeInbound(HTTPRequestPart.end(nil))
    }

    /// The paths of the request heads passed on to the router.
    func routed(_ channel: EmbeddedChannel) throws -> [String] {
        var paths: [String] = []
        while let part = try channel.readInbound(as: HTTPRequestPart.self) {
            if case .head(let head) = part { paths.append(head.path ?? "") }
        }
        return paths
    }

    /// The statuses of the answers written, and whether each has head, body and end.
    func answered(_ channel: EmbeddedChannel) throws -> [Int] {
        var statuses: [Int] = []
        while let part = try channel.readOutbound(as: HTTPResponsePart.self) {
            if case .head(let head) = part {
                statuses.append(head.status.code)
                #expect(head.headerFields[.contentLength] == String(Self.body.count) && head.headerFields[.server] == "braked")
                #expect(head.headerFields[.date] != nil)
            }
        }
        return statuses
    }

    @Test func aLocalCheckIsAnsweredOnTheEventLoop() throws {
        let channel = try channel()
        try request(channel, "/v1/check?scope=training")
        #expect(try answered(channel) == [200])
        #expect(try routed(channel).isEmpty)
    }

    @Test func otherRoutesAndConnectionHeadersGoToTheRouter() throws {
        let channel = try channel()
        try request(channel, "/v1/status")
        try request(channel, "/v1/checkpoint")
        #expect(try routed(channel) == ["/v1/status", "/v1/checkpoint"])
        // Their answers end: a check with `Connection: close` still goes to the router, which closes.
        for _ in 0..<2 { try channel.writeOutbound(HTTPResponsePart.end(nil)) }
        _ = try answered(channel)
        try request(channel, "/v1/check?scope=training", headers: [.connection: "close"])
        #expect(try routed(channel) == ["/v1/check?scope=training"])
    }

    @Test func aCheckBehindARoutedRequestWaitsForItsAnswer() throws {
        let channel = try channel()
        try request(channel, "/v1/status")
        try request(channel, "/v1/check?scope=a")
        // The status is not answered yet: the check goes to the router too, to keep the order.
        #expect(try routed(channel) == ["/v1/status", "/v1/check?scope=a"])
        #expect(try answered(channel).isEmpty)
        // Both answered by the router: the next check is answered here again.
        for _ in 0..<2 {
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
        }
        while try channel.readOutbound(as: HTTPResponsePart.self) != nil {}
        try request(channel, "/v1/check?scope=b")
        #expect(try answered(channel) == [200])
        #expect(try routed(channel).isEmpty)
    }

    @Test func aFullOutboundBufferLeavesChecksToTheRouter() throws {
        let channel = try channel()
        channel.isWritable = false
        try request(channel, "/v1/check?scope=training")
        #expect(try routed(channel) == ["/v1/check?scope=training"])
        #expect(try answered(channel).isEmpty)
    }
}
