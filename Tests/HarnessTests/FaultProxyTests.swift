import BrakeHarness
import NIOCore
import NIOPosix
import Testing

/// The fault proxy on a real loopback echo server: bytes pass, a cut closes open connections and
/// refuses new ones, a heal lets them through again, and each direction is its own proxy.
@Suite struct FaultProxyTests {
    @Test func passesBytesBothWays() async throws {
        try await withEcho { echoPort in
            let proxy = try await FaultProxy.start(targetPort: echoPort, group: MultiThreadedEventLoopGroup.singleton)
            let connection = try await LineClient.connect(port: proxy.port)
            let answer = try await connection.roundTrip("hello through the proxy")
            #expect(answer == "hello through the proxy")
            #expect(proxy.mode == .pass)
            await connection.close()
            await proxy.close()
        }
    }

    @Test func cutClosesOpenConnectionsAndRefusesNewOnes() async throws {
        try await withEcho { echoPort in
            let proxy = try await FaultProxy.start(targetPort: echoPort, group: MultiThreadedEventLoopGroup.singleton)
            let open = try await LineClient.connect(port: proxy.port)
            #expect(try await open.roundTrip("before the cut") == "before the cut")
            try await Deadline.waitUntil("the proxy to count its connection", timeout: .seconds(5)) { proxy.openConnections == 1 }

            await proxy.cut()
            #expect(proxy.mode == .cut)
            let closed = try await open.waitClosed(timeout: .seconds(5))
            #expect(closed, "the connection open at the cut was not closed")
            #expect(proxy.openConnections == 0)

            let refused = try await LineClient.connect(port: proxy.port)
            let answer = try? await refused.roundTrip("during the cut")
            #expect(answer == nil, "a connection made during the cut carried \(answer ?? "")")
            await refused.close()
            await proxy.close()
        }
    }

    @Test func healLetsNewConnectionsThrough() async throws {
        try await withEcho { echoPort in
            let proxy = try await FaultProxy.start(targetPort: echoPort, group: MultiThreadedEventLoopGroup.singleton)
            await proxy.cut()
            proxy.heal()
            #expect(proxy.mode == .pass)
            let connection = try await LineClient.connect(port: proxy.port)
            #expect(try await connection.roundTrip("after the heal") == "after the heal")
            await connection.close()
            await proxy.close()
        }
    }

    /// Two proxies, one per direction between two endpoints: cutting a>b leaves b>a working, and
    /// healing a>b restores it.
    @Test func eachDirectionIsCutAlone() async throws {
        try await withEcho { portA in
            try await withEcho { portB in
                let group = MultiThreadedEventLoopGroup.singleton
                let aToB = try await FaultProxy.start(targetPort: portB, group: group)
                let bToA = try await FaultProxy.start(targetPort: portA, group: group)

                await aToB.cut()
                let forward = try await LineClient.connect(port: aToB.port)
                let cutAnswer = try? await forward.roundTrip("a to b")
                #expect(cutAnswer == nil)
                let backward = try await LineClient.connect(port: bToA.port)
                #expect(try await backward.roundTrip("b to a") == "b to a")
                await forward.close()

                aToB.heal()
                let healed = try await LineClient.connect(port: aToB.port)
                #expect(try await healed.roundTrip("a to b again") == "a to b again")
                #expect(try await backward.roundTrip("b to a still") == "b to a still")

                await bToA.cut()
                #expect(try await backward.waitClosed(timeout: .seconds(5)))
                #expect(try await healed.roundTrip("a to b while b>a is cut") == "a to b while b>a is cut")
                await healed.close()
                await aToB.close()
                await bToA.close()
            }
        }
    }
}
