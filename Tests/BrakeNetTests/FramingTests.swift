import BrakeRaft
import BrakeReplica
import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import BrakeNet

/// An inbound connection without TLS: the peer is taken as already authenticated as `peer`.
struct InboundFixture {
    let channel: EmbeddedChannel
    let sink: PeerSink
    let events: AsyncStream<PeerEvent>

    init(peer: NodeID = "b", local: NodeID = "a", cap: Int = 1024, sink shared: (PeerSink, AsyncStream<PeerEvent>)? = nil) throws {
        if let shared {
            (sink, events) = shared
        } else {
            (sink, events) = Self.makeSink()
        }
        channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers(
            ByteToMessageHandler(FrameDecoder(cap: cap)),
            InboundPeerHandler(
                localID: local, codec: WireCodec(), identity: .init(peer), sink: sink, helloTimeout: .seconds(5)
            )
        )
        try channel.connect(to: .init(ipAddress: "127.0.0.1", port: 1)).wait()
    }

    static func makeSink() -> (PeerSink, AsyncStream<PeerEvent>) {
        let (stream, continuation) = AsyncStream.makeStream(of: PeerEvent.self)
        var logger = Logger(label: "brake.net.test")
        logger.logLevel = .critical
        return (PeerSink(continuation: continuation, logger: logger), stream)
    }

    /// Writes a length-prefixed frame body into the connection.
    func receive(_ body: [UInt8]) {
        var buffer = channel.allocator.buffer(capacity: 4 + body.count)
        buffer.writeInteger(UInt32(body.count), endianness: .big)
        buffer.writeBytes(body)
        _ = try? channel.writeInbound(buffer)
    }

    /// Writes raw bytes, for lengths the framing must refuse.
    func receiveRaw(_ bytes: [UInt8]) {
        _ = try? channel.writeInbound(channel.allocator.buffer(bytes: bytes))
    }

    func hello(_ id: NodeID) throws {
        receive(try WireCodec().encodeHello(id))
    }
}

/// A heartbeat from `from` to `to`.
func heartbeat(from: NodeID, to: NodeID, context: UInt64 = 1) -> PeerMessage {
    let raft = RaftMessage(from: from, to: to, term: 2, kind: .heartbeat(commit: 0, context: context))
    return PeerMessage(from: from, to: to, body: .raft(raft))
}

/// The events buffered so far, without waiting.
func drained(_ events: AsyncStream<PeerEvent>, finishing sink: PeerSink) async -> [PeerEvent] {
    sink.finish()
    var out: [PeerEvent] = []
    for await event in events { out.append(event) }
    return out
}

@Suite("Framing and the inbound handler")
struct FramingTests {
    @Test("a frame encodes as a big-endian length then the body")
    func encoder() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(FrameEncoder(cap: 16)))
        try channel.writeOutbound([UInt8]([1, 2, 3]))
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(Array(written.readableBytesView) == [0, 0, 0, 3, 1, 2, 3])
        #expect(throws: (any Error).self) { try channel.writeOutbound([UInt8](repeating: 0, count: 17)) }
    }

    @Test("frames split across reads and batched in one read are all delivered")
    func splitsAndBatches() async throws {
        let fixture = try InboundFixture()
        try fixture.hello("b")
        var bytes: [UInt8] = []
        for context in 1...3 {
            let body = try WireCodec().encode(heartbeat(from: "b", to: "a", context: UInt64(context)))
            bytes += [0, 0, 0, UInt8(body.count)] + body
        }
        fixture.receiveRaw(Array(bytes[..<5]))
        fixture.receiveRaw(Array(bytes[5...]))
        let events = await drained(fixture.events, finishing: fixture.sink)
        #expect(events == (1...3).map { .message(heartbeat(from: "b", to: "a", context: UInt64($0))) })
        #expect(fixture.sink.stats.framesIn == 4)
        #expect(fixture.channel.isActive)
    }

    @Test("an oversized length closes that connection only, and is counted")
    func oversized() async throws {
        let shared = InboundFixture.makeSink()
        let bad = try InboundFixture(peer: "b", sink: shared)
        let good = try InboundFixture(peer: "c", sink: shared)
        try bad.hello("b")
        try good.hello("c")
        bad.receiveRaw([0x00, 0x10, 0x00, 0x00])  // 1 MiB against a 1 KiB cap
        good.receive(try WireCodec().encode(heartbeat(from: "c", to: "a")))
        #expect(!bad.channel.isActive)
        #expect(good.channel.isActive)
        #expect(shared.0.stats.droppedFrames == 1)
        let events = await drained(shared.1, finishing: shared.0)
        #expect(events == [.peerDisconnected("b"), .message(heartbeat(from: "c", to: "a"))])
    }

    @Test("a body that does not decode closes that connection only, and is counted")
    func undecodable() async throws {
        let shared = InboundFixture.makeSink()
        let bad = try InboundFixture(peer: "b", sink: shared)
        let good = try InboundFixture(peer: "c", sink: shared)
        try bad.hello("b")
        try good.hello("c")
        bad.receive([0xff, 0xff, 0xff, 0xff])
        good.receive(try WireCodec().encode(heartbeat(from: "c", to: "a")))
        #expect(!bad.channel.isActive)
        #expect(good.channel.isActive)
        #expect(shared.0.stats.droppedFrames == 1)
        #expect(shared.0.stats.connectionsIn == 1)
    }

    @Test("an unknown body kind is dropped and counted; the connection stays")
    func unknownKind() async throws {
        let fixture = try InboundFixture()
        try fixture.hello("b")
        let message: [UInt8] = [0x0a, 0x01, 0x62, 0x12, 0x01, 0x61, 0xea, 0x01, 0x00]
        fixture.receive([0x08, 0x01, 0x1a, UInt8(message.count)] + message)
        fixture.receive(try WireCodec().encode(heartbeat(from: "b", to: "a")))
        #expect(fixture.channel.isActive)
        #expect(fixture.sink.stats.droppedFrames == 1)
        let events = await drained(fixture.events, finishing: fixture.sink)
        #expect(events == [.message(heartbeat(from: "b", to: "a"))])
    }

    @Test("a forged sender or a wrong receiver is dropped and counted; the connection stays")
    func forgedSender() async throws {
        let fixture = try InboundFixture()
        try fixture.hello("b")
        fixture.receive(try WireCodec().encode(heartbeat(from: "c", to: "a")))
        fixture.receive(try WireCodec().encode(heartbeat(from: "b", to: "c")))
        fixture.receive(try WireCodec().encode(heartbeat(from: "b", to: "a")))
        #expect(fixture.channel.isActive)
        #expect(fixture.sink.stats.senderMismatches == 2)
        let events = await drained(fixture.events, finishing: fixture.sink)
        #expect(events == [.message(heartbeat(from: "b", to: "a"))])
    }

    @Test("a hello naming another node than the key's is refused")
    func helloMismatch() throws {
        let fixture = try InboundFixture(peer: "c")
        try fixture.hello("b")
        #expect(!fixture.channel.isActive)
        #expect(fixture.sink.stats.refusedHandshakes == 1)
        #expect(fixture.sink.stats.connectionsIn == 0)
    }

    @Test("a message before the hello is refused")
    func messageFirst() throws {
        let fixture = try InboundFixture()
        fixture.receive(try WireCodec().encode(heartbeat(from: "b", to: "a")))
        #expect(!fixture.channel.isActive)
        #expect(fixture.sink.stats.refusedHandshakes == 1)
    }

    @Test("a connection that sends no hello in time is closed")
    func helloTimeout() throws {
        let fixture = try InboundFixture()
        fixture.channel.embeddedEventLoop.advanceTime(by: .seconds(6))
        #expect(!fixture.channel.isActive)
        #expect(fixture.sink.stats.refusedHandshakes == 1)
    }
}
