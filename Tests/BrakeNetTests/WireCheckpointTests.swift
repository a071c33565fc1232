import BrakeCore
import BrakeLog
import BrakeReplica
import Foundation
import Testing

@testable import BrakeNet

/// The checkpoint messages on the wire: a signed note in a bounded string, refused with a stable
/// code when empty or over `SignedCheckpoint.maxBytes`.
@Suite("Wire codec: checkpoints")
struct WireCheckpointTests {
    let codec = WireCodec()

    static let note: String = {
        let root = MerkleHash(bytes: Array(repeating: 7, count: 32))!
        let checkpoint = try! Checkpoint(origin: "brake-test", size: 12, root: root)
        let key = try! SigningKey(seed: Array(repeating: 9, count: 32))
        return SignedCheckpoint(checkpoint: checkpoint)
            .adding(Cosignature.sign(checkpoint, keyName: "brake-test/node-1", key: key, timestamp: 1_795_910_400)).text
    }()

    @Test("a proposal and cosignatures survive encode then decode, byte for byte")
    func roundTrip() throws {
        for body in [PeerMessage.Body.checkpointProposal(note: Self.note), .checkpointCosignatures(note: Self.note)] {
            let message = PeerMessage(from: "node-1", to: "node-2", body: body)
            #expect(try codec.decode(try codec.encode(message)) == .message(message))
        }
    }

    @Test("an empty note and an oversized one are refused on decode, and an oversized one is not encoded")
    func bounds() throws {
        let huge = String(repeating: "a", count: SignedCheckpoint.maxBytes + 1)
        let cases: [([UInt8], WireError.Code)] = [
            (try messageFrame(.checkpointProposal(.with { $0.note = "" })), .missingField),
            (try messageFrame(.checkpointCosignatures(.with { $0.note = "" })), .missingField),
            (try messageFrame(.checkpointProposal(.with { $0.note = huge })), .tooLong),
            (try messageFrame(.checkpointCosignatures(.with { $0.note = huge })), .tooLong),
        ]
        for (bytes, code) in cases {
            #expect(codeOf { try codec.decode(bytes) } == code)
        }
        let message = PeerMessage(from: "node-1", to: "node-2", body: .checkpointProposal(note: huge))
        #expect(codeOf { try codec.encode(message) } == .unencodable)
    }

    @Test("a note that is not a checkpoint passes the codec (the core drops it) and never traps")
    func garbageNote() throws {
        let message = PeerMessage(from: "node-1", to: "node-2", body: .checkpointCosignatures(note: "\u{2014} not a note\u{0}"))
        #expect(try codec.decode(try codec.encode(message)) == .message(message))
    }
}
