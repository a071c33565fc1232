import BrakeCore
import BrakeLog
import BrakeRaft
import Testing

@testable import BrakeStore

/// The permanent history: every applied entry kept whatever Raft compacts, declarations as leaves of a
/// Merkle tree stored node by node, read back with no replay, and proofs equal to BrakeLog's in memory.
@Suite("The permanent history")
struct HistoryTableTests {
    /// The data of a committed declaration, distinct per `n`.
    static func declaration(_ n: Int) -> [UInt8] {
        let envelope = Envelope(
            payloadType: "application/vnd.brake.motion.v1+json", payload: Array("{\"n\":\(n)}".utf8),
            signatures: [EnvelopeSignature(keyID: "k\(n % 3)", sig: [UInt8(n & 0xff), 1, 2])])
        return LogRecord(time: 1_700_000_000_000 + Millis(n), envelope: envelope).encoded()
    }

    /// Entries 1...count: a no-op at 1 and at every tenth index, undecodable data at 5, declarations
    /// elsewhere.
    static func entries(_ count: Int, term: UInt64 = 1) -> [Entry] {
        (1...count).map { i in
            let data: [UInt8] = i % 10 == 1 ? [] : i == 5 ? Array("not a record".utf8) : declaration(i)
            return Entry(term: term, index: UInt64(i), data: data)
        }
    }

    /// Applies `entries` one transaction each, as the node does, with their history.
    static func apply(_ entries: [Entry], to store: BrakeStore) throws {
        for entry in entries {
            try store.applyCommitted(index: entry.index, writes: [], events: [], history: entry)
        }
    }

    /// The tree BrakeLog builds in memory from the same entries.
    static func inMemory(_ entries: [Entry]) -> InMemoryMerkleNodes {
        InMemoryMerkleNodes(leaves: entries.compactMap { LogLeaf(entryIndex: $0.index, entryData: $0.data)?.bytes })
    }

    @Test func everyEntryIsKeptAndOnlyDeclarationsAreLeaves() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            let entries = Self.entries(24)
            try Self.apply(entries, to: store)
            try store.readHistory { (history: StoredHistory) throws in
                let records = try history.records(from: 1, limit: 100)
                #expect(records.map(\.index) == Array(1...24))
                #expect(records[0].isNoop && records[0].leafPosition == nil)
                #expect(records[4].content == .noLeaf(data: Array("not a record".utf8)), "undecodable data is kept as committed")
                #expect(records[1].leafPosition == 0 && records[2].leafPosition == 1 && records[5].leafPosition == 3)
                let leaves = entries.compactMap { LogLeaf(entryIndex: $0.index, entryData: $0.data) }
                #expect(history.treeSize == UInt64(leaves.count))
                for (position, leaf) in leaves.enumerated() {
                    let index = try #require(try history.entryIndex(ofLeaf: UInt64(position)))
                    #expect(index == leaf.entryIndex)
                    #expect(try history.record(at: index)?.leaf() == leaf)
                }
                #expect(try history.entryIndex(ofLeaf: UInt64(leaves.count)) == nil)
                #expect(history.historyFrom == 1 && history.isComplete && history.appliedIndex == 24)
                #expect(try history.records(from: 20, limit: 2).map(\.index) == [20, 21])
            }
        }
    }

    @Test func historySurvivesCompactionAndASnapshot() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            let entries = Self.entries(30)
            try store.persist(hardState: HardState(term: 1, vote: nil, commit: 30), entries: entries, snapshot: nil)
            try Self.apply(entries, to: store)
            try store.persist(
                hardState: nil, entries: [],
                snapshot: Snapshot(metadata: SnapshotMetadata(index: 30, term: 1, voters: ["n1"]), data: [1, 2, 3]))
            try store.compact(through: 30)
            #expect(try store.entries(from: 1, through: 30).isEmpty, "Raft's log is compacted")
            try store.readHistory { (history: StoredHistory) throws in
                #expect(try history.records(from: 1, limit: 100).map(\.index) == Array(1...30))
                #expect(history.isComplete)
                let memory = Self.inMemory(entries)
                #expect(try history.tree.root(atSize: history.treeSize) == memory.frontier.root)
                let expected = try memory.tree.inclusionProof(leafIndex: 0, treeSize: memory.size)
                #expect(try history.tree.inclusionProof(leafIndex: 0, treeSize: history.treeSize) == expected)
            }
        }
    }

    @Test func reopeningReadsTheFrontierBackWithoutReplay() throws {
        try withTemporaryDirectory { dir in
            let entries = Self.entries(300)
            do {
                let store = try BrakeStore(directory: dir)
                try Self.apply(entries, to: store)
                store.close()
            }
            let store = try BrakeStore(directory: dir)
            var memory = Self.inMemory(entries)
            let size = memory.size
            try store.readHistory { (history: StoredHistory) throws in
                #expect(history.treeSize == size)
                let frontier = try MerkleFrontier(size: history.treeSize, reading: history)
                #expect(history.nodeReads == size.nonzeroBitCount, "one read per peak, \(size.nonzeroBitCount), not a replay of \(size) leaves")
                #expect(frontier == memory.frontier)
            }
            try store.readHistory { (history: StoredHistory) throws in
                _ = try history.tree.inclusionProof(leafIndex: 7, treeSize: size)
                let bound = 2 * (64 - size.leadingZeroBitCount)
                #expect(history.nodeReads <= bound, "an inclusion proof read \(history.nodeReads) nodes; at most \(bound)")
            }
            // Appending after the reopen continues the same tree.
            let next = Entry(term: 2, index: 301, data: Self.declaration(301))
            try Self.apply([next], to: store)
            memory.append(leafHash: MerkleHash.leaf(try #require(LogLeaf(entryIndex: 301, entryData: next.data)).bytes))
            try store.readHistory { (history: StoredHistory) throws in
                #expect(history.treeSize == memory.size)
                #expect(try history.tree.root(atSize: history.treeSize) == memory.frontier.root)
            }
        }
    }

    @Test func proofsFromTheStoreEqualBrakeLogsInMemory() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            let entries = Self.entries(80)
            try Self.apply(entries, to: store)
            let memory = Self.inMemory(entries).tree
            try store.readHistory { (history: StoredHistory) throws in
                let tree = history.tree
                #expect(tree.size == memory.size)
                for size in 0...tree.size {
                    let root = try memory.root(atSize: size)
                    #expect(try tree.root(atSize: size) == root, "root at \(size)")
                    for leaf in 0..<size {
                        let expected = try memory.inclusionProof(leafIndex: leaf, treeSize: size)
                        #expect(try tree.inclusionProof(leafIndex: leaf, treeSize: size) == expected, "leaf \(leaf) in \(size)")
                    }
                    for old in 1..<max(size, 1) where size > 0 {
                        let expected = try memory.consistencyProof(from: old, to: size)
                        #expect(try tree.consistencyProof(from: old, to: size) == expected, "from \(old) to \(size)")
                    }
                }
                #expect(throws: LogError.self) { try tree.inclusionProof(leafIndex: 0, treeSize: tree.size + 1) }
            }
        }
    }

    @Test func aSnapshotInstallRestartsTheHistoryAndStopsTheTree() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            let entries = Self.entries(4)
            try store.persist(hardState: HardState(term: 1, vote: nil, commit: 4), entries: entries, snapshot: nil)
            try Self.apply(entries, to: store)
            // The leader sends a snapshot through 20: entries 5...20 never reach this node.
            try store.persist(
                hardState: HardState(term: 2, vote: nil, commit: 20), entries: [],
                snapshot: Snapshot(metadata: SnapshotMetadata(index: 20, term: 2, voters: ["n1"]), data: []),
                registry: (rows: [], appliedIndex: 20))
            let later = Entry(term: 2, index: 21, data: Self.declaration(21))
            try Self.apply([later], to: store)
            try store.readHistory { (history: StoredHistory) throws in
                #expect(history.historyFrom == 21 && !history.isComplete)
                #expect(try history.records(from: 1, limit: 100).map(\.index) == [1, 2, 3, 4, 21], "rows before the gap are kept")
                #expect(history.treeSize == 3, "the tree stops at the gap: entries 2, 3 and 4 are its leaves")
                let row = try #require(try history.record(at: 21))
                #expect(row.leafPosition == nil && row.leafBytes == LogLeaf(entryIndex: 21, entryData: later.data)?.bytes)
            }
        }
    }

    @Test func aHistoryEntryMustBeTheAppliedOne() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            let error = try #require(throws: StoreError.self) {
                try store.applyCommitted(index: 2, writes: [], history: Entry(term: 1, index: 3, data: []))
            }
            #expect(error.code == .storeInvalid)
            #expect(try store.appliedIndex() == 0)
            try store.readHistory { (history: StoredHistory) throws in #expect(try history.records(from: 0, limit: 10).isEmpty) }
        }
    }
}
