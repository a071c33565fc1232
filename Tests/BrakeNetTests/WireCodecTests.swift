import BrakeCore
import BrakeRaft
import BrakeReplica
import Foundation
import Testing

@testable import BrakeNet

@Suite("Wire codec")
struct WireCodecTests {
    let codec = WireCodec()

    @Test("every message kind survives encode then decode", arguments: everyMessageKind)
    func roundTrip(_ message: PeerMessage) throws {
        let bytes = try codec.encode(message)
        #expect(try codec.decode(bytes) == .message(message))
    }

    @Test("a hello round-trips")
    func hello() throws {
        #expect(try codec.decode(try codec.encodeHello("node-1.lab")) == .hello(nodeID: "node-1.lab"))
    }

    @Test("a Raft message whose sender differs from the envelope's is not encoded")
    func inconsistentRaft() {
        let raft = RaftMessage(from: "c", to: "b", term: 1, kind: .timeoutNow)
        let message = PeerMessage(from: "a", to: "b", body: .raft(raft))
        #expect(codeOf { try codec.encode(message) } == .unencodable)
    }

    @Test("malformed frames fail with their stable code")
    func refusals() throws {
        var status = Brake_Peer_V1_SnapshotStatus()
        status.state = .unspecified
        var chunk = Brake_Peer_V1_SnapshotChunk()
        chunk.metadata = Brake_Peer_V1_SnapshotMetadata()
        chunk.totalBytes = 4
        chunk.offset = 2
        chunk.data = Data([1, 2, 3])
        var gap = Brake_Peer_V1_Append()
        gap.prevIndex = 10
        gap.entries = [Brake_Peer_V1_Entry.with { $0.index = 12 }]
        var gapRaft = Brake_Peer_V1_RaftMessage()
        gapRaft.kind = .append(gap)
        var emptyRaft = Brake_Peer_V1_RaftMessage()
        emptyRaft.term = 3
        var answer = Brake_Peer_V1_SubmitAnswer()
        answer.answer = .refused(.with { $0.error = .node(.with { $0.code = "has space" }) })

        let cases: [([UInt8], WireError.Code)] = [
            ([0xff, 0xff, 0xff], .malformed),
            ([], .unsupportedVersion),
            (try frameBytes { $0.version = 2; $0.kind = .hello(.with { $0.nodeID = "a" }) }, .unsupportedVersion),
            (try frameBytes { _ in }, .missingField),
            (try frameBytes { $0.kind = .hello(.with { $0.nodeID = "" }) }, .missingField),
            (try frameBytes { $0.kind = .hello(.with { $0.nodeID = String(repeating: "n", count: 65) }) }, .tooLong),
            (try frameBytes { $0.kind = .hello(.with { $0.nodeID = "Node A" }) }, .outOfRange),
            (try messageFrame(nil), .missingField),
            (try messageFrame(.raft(emptyRaft)), .missingField),
            (try messageFrame(.raft(gapRaft)), .outOfRange),
            (try messageFrame(.snapshotStatus(status)), .outOfRange),
            (try messageFrame(.snapshotChunk(chunk)), .outOfRange),
            (try messageFrame(.snapshotChunk(Brake_Peer_V1_SnapshotChunk())), .missingField),
            (try messageFrame(.submitAnswer(answer)), .outOfRange),
            (try messageFrame(from: "a", to: "", .raft(gapRaft)), .missingField),
        ]
        for (bytes, code) in cases {
            #expect(codeOf { try codec.decode(bytes) } == code, "\(bytes)")
        }
    }

    @Test("too many entries are refused")
    func tooManyEntries() throws {
        var limits = WireLimits()
        limits.maxEntries = 2
        let small = WireCodec(limits: limits)
        let entries = (1...3).map { Entry(term: 1, index: UInt64($0), data: []) }
        let append = RaftMessage.Kind.append(prevIndex: 0, prevTerm: 0, entries: entries, commit: 0)
        let message = PeerMessage(
            from: "a", to: "b",
            body: .raft(RaftMessage(from: "a", to: "b", term: 1, kind: append))
        )
        let bytes = try small.encode(message)
        #expect(codeOf { try small.decode(bytes) } == .tooLong)
    }

    @Test("a body kind from a newer peer is reported as unknown, so only that message is dropped")
    func unknownKind() throws {
        // PeerMessage{from: "a", to: "b", field 29 (held for more gossip): empty}
        let message: [UInt8] = [0x0a, 0x01, 0x61, 0x12, 0x01, 0x62, 0xea, 0x01, 0x00]
        let frame: [UInt8] = [0x08, 0x01, 0x1a, UInt8(message.count)] + message
        #expect(codeOf { try codec.decode(frame) } == .unknownKind)
        #expect(WireError(.unknownKind, "").closesConnection == false)
        #expect(WireError(.malformed, "").closesConnection)
    }

    @Test("unknown fields beside a known body are ignored")
    func unknownFieldIgnored() throws {
        // Field 15 of Frame, varint 7: something a newer peer might add.
        let bytes = try codec.encode(everyMessageKind[0]) + [0x78, 0x07]
        #expect(try codec.decode(bytes) == .message(everyMessageKind[0]))
    }

    @Test("random and corrupted bytes give a frame or a WireError, never a trap")
    func randomBytes() {
        var generator = SystemRandomNumberGenerator()
        var outcomes = 0
        for round in 0..<3000 {
            var bytes = (0..<Int.random(in: 0...64, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            if round % 2 == 0, let valid = try? codec.encode(everyMessageKind[round % everyMessageKind.count]) {
                bytes = valid
                bytes[Int.random(in: 0..<valid.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
            }
            switch Result(catching: { () throws(WireError) -> WireFrame in try codec.decode(bytes) }) {
            case .success, .failure: outcomes += 1
            }
        }
        #expect(outcomes == 3000)
    }
}

/// One message of every kind the wire carries, each field set to something non-default.
let everyMessageKind: [PeerMessage] = {
    func raft(_ kind: RaftMessage.Kind) -> PeerMessage {
        let message = RaftMessage(from: "a", to: "b", term: 7, kind: kind)
        return PeerMessage(from: "a", to: "b", body: .raft(message))
    }
    func answer(_ a: SubmitAnswer) -> PeerMessage {
        PeerMessage(from: "a", to: "b", body: .submitAnswer(requestID: 99, answer: a))
    }
    let metadata = SnapshotMetadata(index: 40, term: 6, voters: ["a", "b", "c"], learners: ["d"])
    let motion = DeclarationReceipt(
        id: String(repeating: "ab", count: 32), kind: "motion", state: "passed", signers: ["lab-1", "gov-2"], index: 41
    )
    let attestation = DeclarationReceipt(
        id: String(repeating: "cd", count: 32), kind: "attestation", state: nil, signers: [], index: 42
    )
    let chunk = SnapshotChunk(term: 7, metadata: metadata, totalBytes: 10, offset: 4, data: [5, 6, 7, 8, 9, 10])
    let entries = [
        Entry(term: 7, index: 11, data: []), Entry(term: 7, index: 12, data: Array("declaration".utf8)),
        Entry(term: 7, index: 13, data: ConfChange.addLearner("d").entryData),
    ]
    return [
        raft(.preVote(lastIndex: 10, lastTerm: 6)),
        raft(.preVoteResponse(granted: true)),
        raft(.vote(lastIndex: 10, lastTerm: 6, transfer: true)),
        raft(.voteResponse(granted: false)),
        raft(.append(prevIndex: 10, prevTerm: 6, entries: entries, commit: 10)),
        raft(.append(prevIndex: 12, prevTerm: 7, entries: [], commit: 12)),
        raft(.appendAccepted(matchIndex: 12)),
        raft(.appendRejected(rejectedIndex: 12, conflictIndex: 9, conflictTerm: 5)),
        raft(.heartbeat(commit: 12, context: 3)),
        raft(.heartbeatResponse(context: 3)),
        raft(.snapshot(Snapshot(metadata: metadata, data: [1, 2, 3]))),
        raft(.timeoutNow),
        raft(.readIndex(requestID: 5)),
        raft(.readIndexResponse(requestID: 5, index: 12)),
        PeerMessage(from: "a", to: "b", body: .submit(requestID: 1, envelope: Array("{\"p\":1}".utf8), timeoutMillis: 5000)),
        answer(.applied(.noop, index: 11)),
        answer(.applied(.accepted(motion), index: 41)),
        answer(.applied(.accepted(attestation), index: 42)),
        answer(.applied(.rejected(BrakeError(.motionExpired, "expired while it waited")), index: 43)),
        answer(.pending(id: String(repeating: "ef", count: 32), index: 44)),
        answer(.refused(.registry(BrakeError(.badSignature, "signature of lab-1 does not verify")))),
        answer(.refused(.node(NodeError(.notLeader, "no leader known")))),
        PeerMessage(from: "a", to: "b", body: .snapshotChunk(chunk)),
        PeerMessage(from: "b", to: "a", body: .freshnessProbe(sentAt: 123_456)),
        PeerMessage(from: "a", to: "b", body: .freshnessEcho(sentAt: -5, quorumAgeMillis: 40, commitIndex: 12)),
        PeerMessage(from: "a", to: "b", body: .freshnessEcho(sentAt: 9, quorumAgeMillis: nil, commitIndex: 0)),
        PeerMessage(from: "b", to: "a", body: .snapshotStatus(SnapshotStatus(index: 40, term: 6, received: 4, state: .receiving))),
        PeerMessage(from: "b", to: "a", body: .snapshotStatus(SnapshotStatus(index: 40, term: 6, received: 10, state: .installed))),
        PeerMessage(
            from: "b", to: "a",
            body: .snapshotStatus(SnapshotStatus(index: 40, term: 6, received: 10, state: .failed(reason: "digest mismatch")))
        ),
    ]
}()

/// Serializes a hand-built protobuf frame (version 1), for the cases the codec must refuse.
func frameBytes(_ build: (inout Brake_Peer_V1_Frame) -> Void) throws -> [UInt8] {
    var frame = Brake_Peer_V1_Frame()
    frame.version = 1
    build(&frame)
    return try frame.serializedBytes()
}

/// A frame whose message goes from `from` to `to` with the given body.
func messageFrame(from: String = "a", to: String = "b", _ body: Brake_Peer_V1_PeerMessage.OneOf_Body?) throws -> [UInt8] {
    try frameBytes { frame in
        var message = Brake_Peer_V1_PeerMessage()
        message.from = from
        message.to = to
        message.body = body
        frame.kind = .message(message)
    }
}

/// The code of the `WireError` a closure throws, or nil when it throws nothing or another error.
func codeOf<T>(_ body: () throws -> T) -> WireError.Code? {
    do {
        _ = try body()
        return nil
    } catch let error as WireError {
        return error.code
    } catch {
        return nil
    }
}
