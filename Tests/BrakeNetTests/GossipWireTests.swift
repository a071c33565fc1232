import BrakeReplica
import Foundation
import Testing

@testable import BrakeNet

/// The gossip bodies on the wire (Specs/wire.md, Specs/gossip.md): they round-trip, and the
/// decoder refuses what the schema's bounds forbid with stable codes.
@Suite("Gossip wire codec")
struct GossipWireTests {
    let codec = WireCodec()
    static let id = String(repeating: "ab", count: 32)

    static let messages: [PeerMessage] = [
        PeerMessage(from: "a", to: "b", body: .gossipDigest(GossipDigest(
            items: [GossipDigest.Item(id: id, parties: ["gov-a", "lab-a"])],
            head: GossipDigest.LogHead(index: 12, term: 3, hash: String(repeating: "0f", count: 32)), reply: false))),
        PeerMessage(from: "a", to: "b", body: .gossipDigest(GossipDigest(
            items: [], head: GossipDigest.LogHead(index: 0, term: 0, hash: ""), reply: true))),
        PeerMessage(from: "a", to: "b", body: .gossipPull(ids: [id])),
        PeerMessage(from: "a", to: "b", body: .gossipDeclarations(envelopes: [Array(#"{"payload":"","payloadType":"x","signatures":[]}"#.utf8)])),
    ]

    @Test("every gossip body survives encode then decode", arguments: messages)
    func roundTrip(_ message: PeerMessage) throws {
        #expect(try codec.decode(try codec.encode(message)) == .message(message))
    }

    @Test("a digest with too many items, or an id that is not printable ASCII, closes the connection")
    func refusals() throws {
        var tight = WireLimits()
        tight.maxGossipItems = 2
        let small = WireCodec(limits: tight)
        let many = PeerMessage(from: "a", to: "b", body: .gossipPull(ids: [Self.id, Self.id, Self.id]))
        #expect(codeOf { try small.decode(try small.encode(many)) } == .tooLong)
        let bad = PeerMessage(from: "a", to: "b", body: .gossipPull(ids: ["not an id"]))
        #expect(codeOf { try codec.decode(try codec.encode(bad)) } == .outOfRange)
        let empty = PeerMessage(from: "a", to: "b", body: .gossipDigest(GossipDigest(
            items: [GossipDigest.Item(id: "", parties: [])], head: GossipDigest.LogHead(index: 0, term: 0, hash: ""), reply: false)))
        #expect(codeOf { try codec.decode(try codec.encode(empty)) } == .missingField)
    }
}
