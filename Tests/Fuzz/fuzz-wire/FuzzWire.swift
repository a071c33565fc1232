import BrakeCore
import BrakeFuzz
import BrakeNet
import BrakeRaft
import BrakeReplica

/// The peer wire codec (`WireCodec.decode`, what a node does with every frame body a peer sends),
/// on arbitrary bytes. Properties: nothing traps; every frame it decodes encodes again, to bytes that
/// decode to the same frame and encode to the same bytes.
enum FuzzWire {
    static let codec = WireCodec()

    static func check(_ input: [UInt8]) {
        guard let frame = try? codec.decode(input) else { return }
        let bytes: [UInt8]
        do {
            bytes = try encode(frame)
        } catch {
            FuzzProperty.require(false, "a decoded frame does not encode: \(error)")
            return
        }
        let again = try? codec.decode(bytes)
        FuzzProperty.require(again == frame, "a frame does not survive encode then decode")
        FuzzProperty.require((try? again.map(encode)) == bytes, "a frame's encoding is not stable")
    }

    static func encode(_ frame: WireFrame) throws(WireError) -> [UInt8] {
        switch frame {
        case .hello(let nodeID): try codec.encodeHello(nodeID)
        case .message(let message): try codec.encode(message)
        }
    }

    static func seeds() -> [[UInt8]] {
        func raft(_ kind: RaftMessage.Kind) -> PeerMessage {
            PeerMessage(from: "node-1", to: "node-2", body: .raft(RaftMessage(from: "node-1", to: "node-2", term: 7, kind: kind)))
        }
        func answer(_ a: SubmitAnswer) -> PeerMessage {
            PeerMessage(from: "node-1", to: "node-2", body: .submitAnswer(requestID: 99, answer: a))
        }
        let envelope = RegistryProbe.validEnvelopes[0]
        let record = LogRecord(time: RegistryProbe.time, envelope: envelope).encoded()
        let metadata = SnapshotMetadata(index: 40, term: 6, voters: ["node-1", "node-2", "node-3"])
        let receipt = DeclarationReceipt(id: String(repeating: "ab", count: 32), kind: "motion", state: "passed", signers: ["lab-a", "lab-b"], index: 41)
        let messages: [PeerMessage] = [
            raft(.preVote(lastIndex: 10, lastTerm: 6)),
            raft(.vote(lastIndex: 10, lastTerm: 6, transfer: true)),
            raft(.voteResponse(granted: true)),
            raft(.append(prevIndex: 10, prevTerm: 6, entries: [Entry(term: 7, index: 11, data: []), Entry(term: 7, index: 12, data: record)], commit: 10)),
            raft(.appendAccepted(matchIndex: 12)),
            raft(.appendRejected(rejectedIndex: 12, conflictIndex: 9, conflictTerm: 5)),
            raft(.heartbeat(commit: 12, context: 3)),
            raft(.snapshot(Snapshot(metadata: metadata, data: [1, 2, 3]))),
            raft(.timeoutNow),
            raft(.readIndexResponse(requestID: 5, index: 12)),
            PeerMessage(from: "node-2", to: "node-1", body: .submit(requestID: 1, envelope: envelope.jsonBytes(), timeoutMillis: 5_000)),
            answer(.applied(.accepted(receipt), index: 41)),
            answer(.applied(.rejected(BrakeError(.motionExpired, "expired while it waited")), index: 43)),
            answer(.refused(.node(NodeError(.notLeader, "no leader known")))),
            PeerMessage(from: "node-1", to: "node-2", body: .snapshotChunk(SnapshotChunk(term: 7, metadata: metadata, totalBytes: 10, offset: 4, data: [5, 6, 7]))),
            PeerMessage(from: "node-2", to: "node-1", body: .freshnessProbe(sentAt: 123_456)),
            PeerMessage(from: "node-1", to: "node-2", body: .freshnessEcho(sentAt: -5, quorumAgeMillis: 40, commitIndex: 12)),
            PeerMessage(from: "node-2", to: "node-1", body: .snapshotStatus(SnapshotStatus(index: 40, term: 6, received: 10, state: .failed(reason: "digest mismatch")))),
        ]
        var seeds = messages.compactMap { try? codec.encode($0) }
        if let hello = try? codec.encodeHello("node-1") { seeds.append(hello) }
        return seeds
    }
}

let target = FuzzTarget(name: "fuzz-wire", check: FuzzWire.check, seeds: FuzzWire.seeds)

#if BRAKE_FUZZING
/// libFuzzer's entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    target.check(FuzzTarget.input(data, size))
    return 0
}
#else
@main
struct Replay {
    static func main() { target.runReplay() }
}
#endif
