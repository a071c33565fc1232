import BrakeRaft
import BrakeReplica
import NIOCore
import Testing

@testable import BrakeNet

@Suite("PeerNetwork over loopback TLS", .serialized)
struct PeerNetworkTests {
    @Test("three nodes exchange messages both ways")
    func exchange() async throws {
        let fixture = try await NetworkFixture(["a", "b", "c"])
        let (a, logA) = try await fixture.start(fixture.configuration("a"))
        let (b, logB) = try await fixture.start(fixture.configuration("b"))
        let (c, logC) = try await fixture.start(fixture.configuration("c"))

        a.send([heartbeat(from: "a", to: "b"), heartbeat(from: "a", to: "c")])
        b.send([heartbeat(from: "b", to: "a"), heartbeat(from: "b", to: "c")])
        c.send([heartbeat(from: "c", to: "a"), heartbeat(from: "c", to: "b")])
        let submit = PeerMessage(from: "b", to: "a", body: .submit(requestID: 7, envelope: [1, 2], timeoutMillis: 100))
        b.send([submit])

        #expect(await eventually { logA.messages.count == 3 && logB.messages.count == 2 && logC.messages.count == 2 })
        #expect(Set(logA.messages) == [heartbeat(from: "b", to: "a"), heartbeat(from: "c", to: "a"), submit])
        #expect(Set(logB.messages) == [heartbeat(from: "a", to: "b"), heartbeat(from: "c", to: "b")])
        #expect(Set(logC.messages) == [heartbeat(from: "a", to: "c"), heartbeat(from: "b", to: "c")])
        #expect(await eventually { [a, b, c].allSatisfy { $0.stats.connectionsOut == 2 && $0.stats.connectionsIn == 2 } })
        let stats = a.stats
        #expect(stats.refusedHandshakes == 0)
        #expect(stats.framesIn >= 5)  // two hellos, three messages
        #expect(stats.bytesOut > 0)
        try await fixture.stop([a, b, c])
    }

    @Test("a peer whose key is not the pinned one is refused in both directions")
    func wrongKey() async throws {
        let fixture = try await NetworkFixture(["a", "b"])
        let impostor = try TestIdentity(name: "b")
        let (a, logA) = try await fixture.start(fixture.configuration("a"))
        let (b, logB) = try await fixture.start(fixture.configuration("b", presenting: impostor))
        a.send([heartbeat(from: "a", to: "b")])
        b.send([heartbeat(from: "b", to: "a")])

        // a refuses b's key as a server (no charter pin) and as the node it dialed (not pin(b)).
        #expect(await eventually { a.stats.refusedHandshakes >= 2 && logA.contains(.unreachable("b")) })
        #expect(logA.messages.isEmpty)
        #expect(logB.messages.isEmpty)
        #expect(a.stats.connectionsIn == 0)
        try await fixture.stop([a, b])
    }

    @Test("a node presenting its own valid key but another node's id in the hello is refused")
    func helloNamesAnotherNode() async throws {
        let fixture = try await NetworkFixture(["a", "b", "c"])
        // c's key, but the node calls itself b: TLS authenticates c, the hello says b.
        let (a, logA) = try await fixture.start(fixture.configuration("a"))
        let (liar, _) = try await fixture.start(fixture.configuration("b", presenting: fixture.identities["c"]!))
        liar.send([heartbeat(from: "b", to: "a")])

        #expect(await eventually { a.stats.refusedHandshakes >= 1 })
        #expect(logA.messages.isEmpty)
        #expect(a.stats.connectionsIn == 0)
        try await fixture.stop([a, liar])
    }

    @Test("a message with a forged sender is dropped and counted; the next one arrives")
    func forgedSender() async throws {
        let fixture = try await NetworkFixture(["a", "b", "c"])
        let (a, logA) = try await fixture.start(fixture.configuration("a"))
        let (b, _) = try await fixture.start(fixture.configuration("b"))

        b.send([heartbeat(from: "c", to: "a")])  // the public send refuses to forge
        #expect(b.stats.outboxDrops == 1)
        b.enqueue([heartbeat(from: "c", to: "a"), heartbeat(from: "b", to: "a")], checkingSender: false)

        #expect(await eventually { !logA.messages.isEmpty })
        #expect(logA.messages == [heartbeat(from: "b", to: "a")])
        #expect(a.stats.senderMismatches == 1)
        try await fixture.stop([a, b])
    }

    @Test("after a peer restarts on the same port, messages flow again both ways")
    func restart() async throws {
        let fixture = try await NetworkFixture(["a", "b"])
        let (a, logA) = try await fixture.start(fixture.configuration("a"))
        let (b, logB) = try await fixture.start(fixture.configuration("b"))
        a.send([heartbeat(from: "a", to: "b", context: 1)])
        #expect(await eventually { logB.messages == [heartbeat(from: "a", to: "b", context: 1)] })

        await b.shutdown()
        #expect(await eventually { logA.contains(.peerDisconnected("b")) })

        let (b2, logB2) = try await fixture.start(fixture.configuration("b"))
        a.send([heartbeat(from: "a", to: "b", context: 2)])
        b2.send([heartbeat(from: "b", to: "a", context: 3)])
        #expect(await eventually { logB2.messages.contains(heartbeat(from: "a", to: "b", context: 2)) })
        #expect(await eventually { logA.messages.contains(heartbeat(from: "b", to: "a", context: 3)) })
        try await fixture.stop([a, b2])
    }

    @Test("a full outbox drops the message and reports the peer unreachable")
    func fullOutbox() async throws {
        let fixture = try await NetworkFixture(["a", "b"])
        // b never starts: a's messages wait in the outbox, which holds two.
        let (a, logA) = try await fixture.start(fixture.configuration("a") { $0.outboxMessages = 2 })
        a.send((1...10).map { heartbeat(from: "a", to: "b", context: UInt64($0)) })

        #expect(await eventually { a.stats.outboxDrops == 8 })
        #expect(await eventually { logA.contains(.unreachable("b")) })
        #expect(a.stats.framesOut == 0)
        try await fixture.stop([a])
    }

    @Test("a bad configuration is refused with a stable code before any socket opens")
    func badConfiguration() async throws {
        let fixture = try await NetworkFixture(["a", "b"])
        let badPin = fixture.configuration("a") { $0.peers["b"]!.pin = "ABC" }
        let badAddress = fixture.configuration("a") { $0.peers["b"]!.address = "nowhere" }
        let badKey = fixture.configuration("a") { $0.privateKeyPEM = Array("not a key".utf8) }
        #expect(throws: PeerNetworkError(.config, "pin of node b is not 64 lowercase hex digits")) {
            try PeerNetwork(configuration: badPin)
        }
        #expect(throws: PeerNetworkError(.config, "address \"nowhere\" is not HOST:PORT")) {
            try PeerNetwork(configuration: badAddress)
        }
        #expect(errorCode { try PeerNetwork(configuration: badKey) } == .tls)
        #expect(try PeerNetwork.pin(certificatePEM: fixture.identities["a"]!.certificatePEM) == fixture.identities["a"]!.pin)
        try await fixture.group.shutdownGracefully()
    }
}

func errorCode<T>(_ body: () throws -> T) -> PeerNetworkError.Code? {
    do {
        _ = try body()
        return nil
    } catch let error as PeerNetworkError {
        return error.code
    } catch {
        return nil
    }
}
