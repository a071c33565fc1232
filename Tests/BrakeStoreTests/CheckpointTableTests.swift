import BrakeCore
import BrakeLog
import Testing

@testable import BrakeStore

/// The checkpoint tables: the cosigned and final notes replace the stored ones, evidence is appended
/// once per id and never overwritten, and everything reads back after a reopen.
@Suite("Checkpoints and evidence in the store")
struct CheckpointTableTests {
    static let key = try! SigningKey(seed: Array(repeating: 3, count: 32))

    static func note(size: UInt64, root byte: UInt8) throws -> SignedCheckpoint {
        let checkpoint = try Checkpoint(origin: "brake-test", size: size, root: MerkleHash(bytes: Array(repeating: byte, count: 32))!)
        return SignedCheckpoint(checkpoint: checkpoint)
            .adding(Cosignature.sign(checkpoint, keyName: "brake-test/node-1", key: key, timestamp: 1_795_910_400))
    }

    @Test("notes replace, evidence is kept once and never overwritten, all of it survives a reopen")
    func roundTrip() throws {
        try withTemporaryDirectory { directory in
            let first = try Self.note(size: 3, root: 1)
            let second = try Self.note(size: 5, root: 2)
            let a = try Self.note(size: 5, root: 3)
            let evidence = ForkEvidence(kind: .splitView, second, a, nodes: ["node-1", "node-2"], detectedAtMillis: 1_000)
            do {
                let store = try BrakeStore(directory: directory)
                defer { store.close() }
                #expect(try store.checkpointRows().final == nil)
                try store.putCheckpoints(cosigned: first, final: nil, evidence: [])
                try store.putCheckpoints(cosigned: second, final: second, evidence: [evidence])
                // The same id again, found later with other nodes named: the first record stays.
                let again = ForkEvidence(kind: .splitView, a, second, nodes: ["node-9"], detectedAtMillis: 9_000)
                #expect(again.id == evidence.id)
                try store.putCheckpoints(cosigned: nil, final: nil, evidence: [again])
                #expect(try store.evidenceCount() == 1)
            }
            let reopened = try BrakeStore(directory: directory)
            defer { reopened.close() }
            let rows = try reopened.checkpointRows()
            #expect(rows.cosigned == second && rows.final == second)
            #expect(rows.evidenceIDs == [evidence.id])
            let stored = try reopened.evidence()
            #expect(stored == [evidence], "\(stored.map { ($0.nodes, $0.detectedAtMillis) })")
            #expect(Set(stored.first?.notes.map(\.checkpoint.root) ?? []) == [second.checkpoint.root, a.checkpoint.root])
        }
    }
}
