import BrakeCore
import Foundation
import Testing

/// The charter's node entries: each pins a TLS key and a checkpoint key, and has a dialable address.
@Suite("Charter node entries")
struct NodeEntryTests {
    /// A second node, valid on its own, for the uniqueness rules.
    static func secondNode() throws -> NodeInfo {
        NodeInfo(
            id: "node-2", party: "lab-b", address: "127.0.0.1:7402",
            tlsPin: sha256Hex(utf8("tls key of node-2")), checkpointKey: try SigningKey(seed: seed(6)).publicKey
        )
    }

    /// Each broken entry is refused by `validate()` and by parsing its payload, with a message naming
    /// the node and the problem.
    @Test(arguments: [
        ("empty pin", "node \"node-1\" has no TLS pin"),
        ("short pin", "node \"node-1\" has a malformed TLS pin"),
        ("long pin", "node \"node-1\" has a malformed TLS pin"),
        ("uppercase pin", "node \"node-1\" has a malformed TLS pin"),
        ("base64 pin", "node \"node-1\" has a malformed TLS pin"),
        ("duplicate pin", "node \"node-2\" has the same TLS pin as node \"node-1\""),
        ("duplicate checkpoint key", "node \"node-2\" has the same checkpoint key as node \"node-1\""),
        ("checkpoint key of a party", "node \"node-2\" uses the signing key of party \"gov-a\""),
    ])
    func pinAndKeyRules(problem: String, expected: String) throws {
        var c = dev.charter
        var second = try Self.secondNode()
        switch problem {
        case "empty pin": c.nodes[0].tlsPin = ""
        case "short pin": c.nodes[0].tlsPin = String(devNodePin.dropLast())
        case "long pin": c.nodes[0].tlsPin = devNodePin + "0"
        case "uppercase pin": c.nodes[0].tlsPin = devNodePin.uppercased()
        case "base64 pin": c.nodes[0].tlsPin = Data(hexBytes(devNodePin)).base64EncodedString()
        case "duplicate pin": second.tlsPin = devNodePin
        case "duplicate checkpoint key": second.checkpointKey = devCheckpointKey
        case "checkpoint key of a party": second.checkpointKey = devKey("gov-a").publicKey
        default: Issue.record("unknown case \(problem)")
        }
        c.nodes.append(second)
        let error = brakeError { () throws(BrakeError) in try c.validate() }
        #expect(error?.code == .invalidCharter)
        #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
        let parsed = brakeError { () throws(BrakeError) in try Charter.parse(payload: c.payloadBytes()) }
        #expect(parsed == error)
    }

    /// Problems that only a payload can have, since `NodeInfo` holds a checked `PublicKey`: each is
    /// `invalid_charter` naming node-1.
    @Test(arguments: [
        (#","tlsPin":"PIN""#, "", "missing field \"tlsPin\""),
        (#","checkpointKey":"KEY""#, "", "missing field \"checkpointKey\""),
        (#""checkpointKey":"KEY""#, #""checkpointKey":"""#, "no checkpoint key"),
        (#""checkpointKey":"KEY""#, #""checkpointKey":"abc""#, "invalid checkpoint key"),
        (#""checkpointKey":"KEY""#, #""checkpointKey":"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ==""#, "invalid checkpoint key"),
        // The identity point, under which one signature verifies for every message.
        (#""checkpointKey":"KEY""#, #""checkpointKey":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=""#, "invalid checkpoint key"),
        (#""checkpointKey":"KEY""#, #""checkpointKey":null"#, "\"checkpointKey\" must be a string"),
        (#""tlsPin":"PIN""#, #""tlsKey":"PIN""#, "unknown field(s) \"tlsKey\""),
    ])
    func payloadOnlyProblems(find: String, replace: String, expected: String) {
        let find = find.replacingOccurrences(of: "PIN", with: devNodePin)
            .replacingOccurrences(of: "KEY", with: devCheckpointKey.base64)
        let replace = replace.replacingOccurrences(of: "PIN", with: devNodePin)
        let text = String(decoding: dev.charter.payloadBytes(), as: UTF8.self)
        #expect(text.contains(find))
        let broken = text.replacingOccurrences(of: find, with: replace)
        let error = brakeError { () throws(BrakeError) in try Charter.parse(payload: utf8(broken)) }
        #expect(error?.code == .invalidCharter)
        #expect(error?.message.contains("node \"node-1\"") == true, "\(String(describing: error))")
        #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
    }

    /// Addresses are `HOST:PORT`, the port 1 to 65535 without leading zeros, an IPv6 host in brackets.
    @Test(arguments: [
        ("127.0.0.1:7401", "127.0.0.1", 7401), ("brake.lab-a.example:1", "brake.lab-a.example", 1),
        ("h:65535", "h", 65535), ("[::1]:7401", "::1", 7401), ("[fe80::1:2]:80", "fe80::1:2", 80),
        ("node_1.internal:443", "node_1.internal", 443),
    ])
    func addressesThatAreAllowed(address: String, host: String, port: Int) throws {
        var c = dev.charter
        c.nodes[0].address = address
        try c.validate()
        #expect(c.nodes[0].endpoint?.host == host)
        #expect(c.nodes[0].endpoint?.port == port)
    }

    @Test(arguments: [
        "", "127.0.0.1", "127.0.0.1:", ":7401", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:07401",
        "127.0.0.1:+80", "127.0.0.1:99999999999999999999", "host name:1", "::1:7401", "[::1:7401", "[]:1",
        "[example.com]:1", "héte:1", "a/b:1", "127.0.0.1:7401 ",
    ])
    func addressesThatAreRefused(address: String) {
        var c = dev.charter
        c.nodes[0].address = address
        #expect(c.nodes[0].endpoint == nil)
        let error = brakeError { () throws(BrakeError) in try c.validate() }
        #expect(error?.code == .invalidCharter)
        #expect(error?.message.contains("node \"node-1\" has address") == true, "\(String(describing: error))")
    }

    /// A node's public entry file reads back to the entry, and is refused when malformed.
    @Test func entryRoundTripsThroughItsJSON() throws {
        let node = dev.charter.nodes[0]
        let bytes = node.jsonBytes()
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"address":"127.0.0.1:7401","checkpointKey":"\#(devCheckpointKey.base64)","id":"node-1","party":"lab-a","tlsPin":"\#(devNodePin)"}"#)
        #expect(try NodeInfo(jsonBytes: bytes) == node)
        #expect(try NodeInfo(jsonBytes: utf8(" \(String(decoding: bytes, as: UTF8.self))\n")) == node)

        var broken = node
        broken.tlsPin = "00"
        #expect(brakeError { () throws(BrakeError) in try NodeInfo(jsonBytes: broken.jsonBytes()) }?.code == .invalidCharter)
        #expect(brakeError { () throws(BrakeError) in try NodeInfo(jsonBytes: utf8("not json")) }?.code == .invalidCharter)
        #expect(brakeError { () throws(BrakeError) in try NodeInfo(jsonBytes: utf8("[]")) }?.code == .invalidCharter)
    }

    @Test func pinForm() {
        #expect(NodeInfo.isWellFormedPin(devNodePin))
        #expect(!NodeInfo.isWellFormedPin(""))
        #expect(!NodeInfo.isWellFormedPin(String(repeating: "g", count: 64)))
        #expect(!NodeInfo.isWellFormedPin(String(repeating: "A", count: 64)))
    }
}
