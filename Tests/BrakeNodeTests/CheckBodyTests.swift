import BrakeCore
@testable import BrakeNode
import Foundation
import Testing

/// `check`'s directly written body is byte for byte what the API's JSON encoder writes, and is
/// used only for the answers it can write.
@Suite("check answer body")
struct CheckBodyTests {
    static func view(_ verdict: CheckVerdict.Verdict, _ scope: String, pending: Bool = false, federation: String = "dev-federation",
                     reason: String? = nil) throws -> APIServer.CheckView {
        APIServer.CheckView(
            verdict: verdict, scope: try Scope(scope), pauses: [], reason: reason, pending: pending, pendingPauses: [],
            federation: federation, charter: String(repeating: "ab", count: 32), node: "node-1")
    }

    @Test("the plain body equals the encoder's", arguments: [
        ("training", CheckVerdict.Verdict.clear, false, "dev-federation"),
        ("training/frontier/x.y_z-1", .clear, false, "fed.one"),
        ("a", .paused, true, "Federation Of Labs 2026"),
        ("b/c", .unknown, false, "f/with/slashes"),
    ])
    func plainBodyIsTheEncoders(scope: String, verdict: CheckVerdict.Verdict, pending: Bool, federation: String) throws {
        let view = try Self.view(verdict, scope, pending: pending, federation: federation)
        let body = try #require(view.plainBody)
        let encoded = try APIResponses.encoder.encode(view)
        #expect(body == Array(encoded), "\(String(decoding: body, as: UTF8.self)) vs \(String(decoding: encoded, as: UTF8.self))")
    }

    @Test func answersWithMoreAreLeftToTheEncoder() throws {
        #expect(try Self.view(.unknown, "training", reason: "no quorum contact").plainBody == nil)
        #expect(try Self.view(.clear, "training", federation: "quote\"d").plainBody == nil)
        #expect(try Self.view(.clear, "training", federation: "back\\slash").plainBody == nil)
        #expect(try Self.view(.clear, "training", federation: "ünï").plainBody == nil)
    }
}
