import BrakeRaft
import BrakeReplica
import Testing

@testable import BrakeNet

/// The peer set follows the charter: `updatePeers` adds a node (dialed, its pin accepted) and
/// removes one (its connections closed both ways, its pin refused from then on).
@Suite("PeerNetwork follows the charter's nodes", .serialized)
struct PeerMembershipTests {
    @Test("a removed node's connections close in both directions and its new ones are refused")
    func removal() async throws {
        let fixture = try await NetworkFixture(["a", "b", "c"])
        let (a, logA) = try await fixture.start(fixture.configuration("a"))
        let (b, _) = try await fixture.start(fixture.configuration("b"))
        let (c, _) = try await fixture.start(fixture.configuration("c"))
        #expect(await eventually { [a, b, c].allSatisfy { $0.stats.connectionsOut == 2 && $0.stats.connectionsIn == 2 } })

        var remaining = fixture.configuration("a").peers
        remaining["c"] = nil
        try a.updatePeers(remaining)
        #expect(a.peers.keys.sorted() == ["b"])

        // a's link to c stopped and c's inbound connection to a closed.
        #expect(await eventually { a.stats.connectionsOut == 1 && a.stats.connectionsIn == 1 })
        let refusedBefore = a.stats.refusedHandshakes
        // c keeps dialing a (it does not know it was removed): every attempt is refused.
        c.send([heartbeat(from: "c", to: "a", context: 9)])
        #expect(await eventually { a.stats.refusedHandshakes > refusedBefore })
        #expect(!logA.messages.contains(heartbeat(from: "c", to: "a", context: 9)))
        #expect(a.stats.connectionsIn == 1)
        // Nothing more is sent to c: the message is dropped as addressed to an unknown node.
        let dropsBefore = a.stats.outboxDrops
        a.send([heartbeat(from: "a", to: "c")])
        #expect(a.stats.outboxDrops == dropsBefore + 1)
        // b is unaffected.
        b.send([heartbeat(from: "b", to: "a", context: 5)])
        #expect(await eventually { logA.messages.contains(heartbeat(from: "b", to: "a", context: 5)) })
        try await fixture.stop([a, b, c])
    }

    @Test("a node added to the peer set is dialed and accepted; before that it is refused")
    func addition() async throws {
        let fixture = try await NetworkFixture(["a", "b", "d"])
        // a starts with b only: d is not in its charter yet (d knows a, as a joining node does).
        let (a, logA) = try await fixture.start(fixture.configuration("a") { $0.peers["d"] = nil })
        let (d, logD) = try await fixture.start(fixture.configuration("d") { $0.peers["b"] = nil })
        d.send([heartbeat(from: "d", to: "a", context: 1)])
        #expect(await eventually { a.stats.refusedHandshakes >= 1 })
        #expect(logA.messages.isEmpty)

        try a.updatePeers(fixture.configuration("a").peers)
        #expect(a.peers.keys.sorted() == ["b", "d"])
        a.send([heartbeat(from: "a", to: "d", context: 2)])
        d.send([heartbeat(from: "d", to: "a", context: 3)])
        #expect(await eventually { logD.messages.contains(heartbeat(from: "a", to: "d", context: 2)) })
        #expect(await eventually { logA.messages.contains(heartbeat(from: "d", to: "a", context: 3)) })
        try await fixture.stop([a, d])
    }

    @Test("a re-keyed node: connections with its old key close, its new key is accepted")
    func rekey() async throws {
        let fixture = try await NetworkFixture(["a", "b"])
        let newB = try TestIdentity(name: "b")
        let (a, logA) = try await fixture.start(fixture.configuration("a"))
        let (oldB, _) = try await fixture.start(fixture.configuration("b"))
        #expect(await eventually { a.stats.connectionsIn == 1 && a.stats.connectionsOut == 1 })

        var peers = fixture.configuration("a").peers
        peers["b"]?.pin = newB.pin
        try a.updatePeers(peers)
        #expect(await eventually { a.stats.connectionsIn == 0 && a.stats.connectionsOut == 0 })
        oldB.send([heartbeat(from: "b", to: "a", context: 1)])
        await oldB.shutdown()

        let (b, _) = try await fixture.start(fixture.configuration("b", presenting: newB))
        b.send([heartbeat(from: "b", to: "a", context: 2)])
        #expect(await eventually { logA.messages.contains(heartbeat(from: "b", to: "a", context: 2)) })
        #expect(!logA.messages.contains(heartbeat(from: "b", to: "a", context: 1)))
        try await fixture.stop([a, b])
    }

    @Test("a peer set with a malformed pin or a shared pin is refused and changes nothing")
    func refusedUpdate() async throws {
        let fixture = try await NetworkFixture(["a", "b", "c"])
        let a = try PeerNetwork(configuration: fixture.configuration("a"))
        var peers = fixture.configuration("a").peers
        peers["c"]?.pin = "XYZ"
        #expect(errorCode { try a.updatePeers(peers) } == .config)
        let shared = peers["b"]!.pin
        peers["c"]?.pin = shared
        #expect(errorCode { try a.updatePeers(peers) } == .config)
        #expect(a.peers == fixture.configuration("a").peers.filter { $0.key != "a" })
        try await fixture.stop([a])
    }
}
