@testable import BrakeCore
import Foundation
import Testing

/// Strings that decide anything are compared by their UTF-8 bytes. Swift `String ==` is Unicode
/// canonical equivalence, under which "tls\u{212A}ey" (KELVIN SIGN) equals "tlsKey"; another
/// implementation would not agree, so neither may Brake.
@Suite("Byte-exact strings")
struct ByteComparisonTests {
    static let kelvin = "\u{212A}"

    /// Two keys that differ in bytes are two keys, even if canonically equivalent.
    @Test func equivalentKeysAreDistinct() throws {
        let value = try JSONValue.parse(utf8(#"{"tlsKey":1,"tls\#(Self.kelvin)ey":2}"#), what: "t")
        guard case .object(let fields) = value else {
            Issue.record("not an object")
            return
        }
        #expect(fields.count == 2)
        // And byte-identical keys are still duplicates, however they are escaped.
        #expect(brakeError { () throws(BrakeError) in try JSONValue.parse(utf8(#"{"\u212a":1,"\#(Self.kelvin)":2}"#), what: "t") }?.code == .malformedJSON)
    }

    /// A node whose field is spelled with a KELVIN SIGN has no `checkpointKey` field, and an unknown one.
    @Test(arguments: ["checkpoint\u{212A}ey", #"checkpoint\u212aey"#])
    func lookalikeFieldNameIsNotTheField(spelling: String) {
        let text = String(decoding: dev.charter.payloadBytes(), as: UTF8.self)
            .replacingOccurrences(of: #""checkpointKey""#, with: "\"\(spelling)\"")
        let error = brakeError { () throws(BrakeError) in try Charter.parse(payload: utf8(text)) }
        #expect(error?.code == .invalidCharter)
        #expect(error?.message.contains("unknown field") == true, "\(String(describing: error))")
    }

    /// Both spellings at once: not a duplicate key, but an unknown field.
    @Test func lookalikeFieldNextToTheRealOneIsUnknown() {
        let text = String(decoding: dev.charter.payloadBytes(), as: UTF8.self)
            .replacingOccurrences(of: #""checkpointKey":"#, with: #""checkpoint\#(Self.kelvin)ey":"","checkpointKey":"#)
        let error = brakeError { () throws(BrakeError) in try Charter.parse(payload: utf8(text)) }
        #expect(error?.code == .invalidCharter)
        #expect(error?.message.contains("unknown field") == true, "\(String(describing: error))")
    }

    /// Party and node ids are 1 to 64 of `a-z 0-9 . _ -`, so they have exactly one spelling.
    @Test(arguments: [
        ("party", "lab-\u{212A}"), ("party", "Lab-B"), ("party", ""), ("party", String(repeating: "a", count: 65)),
        ("party", "lab b"), ("party", "lab/b"), ("node", "node-\u{212A}"), ("node", "Node-1"), ("node", ""),
        ("node party", "lab-\u{212A}"),
    ])
    func idsAreRestricted(what: String, id: String) {
        var c = dev.charter
        switch what {
        case "party": c.parties[1].id = id
        case "node": c.nodes[0].id = id
        default: c.nodes[0].party = id
        }
        let error = brakeError { () throws(BrakeError) in try c.validate() }
        #expect(error?.code == .invalidCharter, "\(id)")
        let parsed = brakeError { () throws(BrakeError) in try Charter.parse(payload: c.payloadBytes()) }
        #expect(parsed?.code == .invalidCharter)
    }

    @Test(arguments: ["a", "lab-c", "gov.b_2", String(repeating: "z", count: 64)])
    func idsThatAreAllowed(id: String) throws {
        var c = dev.charter
        c.parties[1].id = id
        c.nodes.append(NodeInfo(
            id: id, party: id, address: "127.0.0.1:7402", tlsPin: sha256Hex(utf8("tls key of \(id)")),
            checkpointKey: try SigningKey(seed: seed(5)).publicKey
        ))
        try c.validate()
    }

    /// A motion for federation "brake-K" is not for federation "brake-\u{212A}".
    @Test func federationsCompareByBytes() {
        var charter = dev.charter
        charter.federation = "brake-\(Self.kelvin)"
        var h = Harness(charter: charter)
        var m = h.motion()
        m.federation = "brake-K"
        let result = h.submit(sign(m, "lab-a"))
        guard case .rejected(let error) = result.outcome else {
            Issue.record("accepted a motion for another federation: \(result.outcome)")
            return
        }
        #expect(error.code == .wrongFederation)

        var a = h.attestation(String(repeating: "ab", count: 32))
        a.federation = "brake-K"
        #expect(h.registry.admit(sign(a, "lab-a"), at: t0).failure?.code == .wrongFederation)
    }
}

extension Result {
    /// The error, if this is a failure.
    var failure: Failure? {
        if case .failure(let e) = self { e } else { nil }
    }
}
