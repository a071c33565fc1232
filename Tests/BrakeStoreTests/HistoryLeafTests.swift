import BrakeCore
import BrakeLog
import BrakeRaft
import Testing

@testable import BrakeStore

/// The node's core decodes each committed entry once and hands the store its leaf; a store given the
/// leaf records exactly the history (rows, leaves, tree) of a store that decodes the entry itself.
@Suite("History with a given leaf")
struct HistoryLeafTests {
    static let t0: Millis = 1_795_946_400_000

    /// Entries 1-5: declarations, a leader's no-op at 3 and data that does not decode at 5.
    static func entries() throws -> [Entry] {
        let key = try SigningKey(seed: [UInt8](repeating: 7, count: 32))
        let records: [[UInt8]] = try (1...5).map { n in
            if n == 3 { return [] }
            if n == 5 { return Array("not a record".utf8) }
            let motion = Motion(
                federation: "f", kind: .trigger, scope: try Scope("training/s\(n)"), reason: "r", proposer: "lab-a",
                created: t0, expires: t0 + 3_600_000, nonce: "000000000000000\(n)")
            return LogRecord(time: t0 + Millis(n), envelope: motion.unsignedEnvelope().signed(with: key)).encoded()
        }
        return records.enumerated().map { Entry(term: 1, index: UInt64($0.offset + 1), data: $0.element) }
    }

    /// The history rows and the tree's root after applying `entries`, each with its leaf when `giveLeaf`.
    func history(of entries: [Entry], giveLeaf: Bool) throws -> (records: [HistoryRecord], size: UInt64, root: MerkleHash) {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            try store.applyCommitted(entries.map { entry in
                let leaf = giveLeaf ? CommittedData(entry.data).record.map { LogLeaf(entryIndex: entry.index, record: $0) } : nil
                return BrakeStore.AppliedEntry(index: entry.index, writes: [], history: entry, leaf: leaf)
            })
            return try store.readHistory { history in
                (try history.records(from: 1, limit: 10), history.treeSize, try history.tree.root(atSize: history.treeSize))
            }
        }
    }

    @Test func aGivenLeafStoresWhatADecodedOneDoes() throws {
        let entries = try Self.entries()
        let given = try history(of: entries, giveLeaf: true)
        let decoded = try history(of: entries, giveLeaf: false)
        #expect(given.records == decoded.records)
        #expect(given.size == 3 && decoded.size == 3, "three of the five entries are declarations")
        #expect(given.root == decoded.root)
    }
}
