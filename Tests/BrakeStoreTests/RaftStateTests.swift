import BrakeRaft
import Testing

@testable import BrakeStore

@Suite("Raft state: hard state, log and snapshot")
struct RaftStateTests {
    func entries(_ range: ClosedRange<UInt64>, term: UInt64) -> [Entry] {
        range.map { Entry(term: term, index: $0, data: Array("entry \($0) term \(term)".utf8)) }
    }

    @Test func newStoreIsEmpty() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            let state = try store.loadRaftState()
            #expect(state.hardState == HardState())
            #expect(state.snapshot == nil)
            #expect(state.entries.isEmpty)
            #expect(try store.firstIndex() == 1)
            #expect(try store.lastIndex() == 0)
            #expect(try store.appliedIndex() == 0)
        }
    }

    @Test func hardStateLogAndSnapshotSurviveReopen() throws {
        try withTemporaryDirectory { dir in
            let hardState = HardState(term: 3, vote: "node-b", commit: 2)
            do {
                let store = try BrakeStore(directory: dir)
                try store.persist(hardState: hardState, entries: entries(1...3, term: 1) + [Entry(term: 3, index: 4, data: [])], snapshot: nil)
                store.close()
            }
            do {
                let store = try BrakeStore(directory: dir)
                let state = try store.loadRaftState()
                #expect(state.hardState == hardState)
                #expect(state.snapshot == nil)
                #expect(state.entries == entries(1...3, term: 1) + [Entry(term: 3, index: 4, data: [])])
                let snapshot = Snapshot(
                    metadata: SnapshotMetadata(index: 2, term: 1, voters: ["node-a", "node-b", "node-c"]),
                    data: Array("registry at 2".utf8))
                try store.persist(hardState: HardState(term: 4, vote: nil, commit: 4), entries: [], snapshot: snapshot)
                store.close()
            }
            let store = try BrakeStore(directory: dir)
            let state = try store.loadRaftState()
            #expect(state.hardState == HardState(term: 4, vote: nil, commit: 4))
            #expect(state.snapshot?.metadata == SnapshotMetadata(index: 2, term: 1, voters: ["node-a", "node-b", "node-c"]))
            #expect(state.snapshot?.data == Array("registry at 2".utf8))
            // The snapshot's term matches entry 2, so the entries after it are kept.
            #expect(state.entries.map(\.index) == [3, 4])
            #expect(try store.firstIndex() == 3)
            #expect(try store.lastIndex() == 4)
            #expect(try store.term(at: 2) == 1)
        }
    }

    /// A node's own compaction stores the snapshot's metadata only (its registry rows are the
    /// state): the log is dropped through its index, and data stored with an earlier snapshot goes.
    @Test func aSnapshotWithoutDataStoresMetadataAndDropsOlderData() throws {
        try withTemporaryDirectory { dir in
            let older = Snapshot(metadata: SnapshotMetadata(index: 2, term: 1, voters: ["a", "b"]), data: Array("registry at 2".utf8))
            do {
                let store = try BrakeStore(directory: dir)
                try store.persist(hardState: HardState(term: 1, vote: "a", commit: 6), entries: entries(1...6, term: 1), snapshot: nil)
                try store.persist(hardState: nil, entries: [], snapshot: older)
                #expect(try store.loadRaftState().snapshot?.data == older.data)
                let metadata = SnapshotMetadata(index: 5, term: 1, voters: ["a", "b"], learners: ["c"])
                try store.persist(hardState: nil, entries: [], snapshot: Snapshot(metadata: metadata, data: []))
                store.close()
            }
            let store = try BrakeStore(directory: dir)
            let state = try store.loadRaftState()
            #expect(state.snapshot == Snapshot(metadata: SnapshotMetadata(index: 5, term: 1, voters: ["a", "b"], learners: ["c"]), data: []))
            #expect(state.entries.map(\.index) == [6])
            #expect(try store.firstIndex() == 6)
            #expect(try store.term(at: 5) == 1)
            #expect(state.hardState == HardState(term: 1, vote: "a", commit: 6))
        }
    }

    @Test func newEntriesTruncateAConflictingSuffix() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            try store.persist(hardState: nil, entries: entries(1...5, term: 1), snapshot: nil)
            try store.persist(hardState: HardState(term: 2), entries: entries(4...4, term: 2), snapshot: nil)
            #expect(try store.loadRaftState().entries == entries(1...3, term: 1) + entries(4...4, term: 2))
            #expect(try store.lastIndex() == 4)
            #expect(try store.entries(from: 3, through: 9) == entries(3...3, term: 1) + entries(4...4, term: 2))
        }
    }

    @Test func aRefusedBatchChangesNothing() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            try store.persist(hardState: HardState(term: 1), entries: entries(1...3, term: 1), snapshot: nil)
            let snapshot = Snapshot(metadata: SnapshotMetadata(index: 3, term: 1, voters: ["a"]), data: [1])
            // Entry 7 would leave a gap after the snapshot at 3: the snapshot and the hard state must not stay.
            let error = #expect(throws: StoreError.self) {
                try store.persist(hardState: HardState(term: 9), entries: entries(7...7, term: 9), snapshot: snapshot)
            }
            #expect(error?.code == .storeCorrupt)
            #expect(error?.message.contains("gap") == true)
            let state = try store.loadRaftState()
            #expect(state.hardState == HardState(term: 1))
            #expect(state.snapshot == nil)
            #expect(state.entries == entries(1...3, term: 1))

            let noncontiguous = #expect(throws: StoreError.self) {
                try store.persist(hardState: nil, entries: [Entry(term: 1, index: 4, data: []), Entry(term: 1, index: 6, data: [])], snapshot: nil)
            }
            #expect(noncontiguous?.code == .storeCorrupt)
            #expect(try store.lastIndex() == 3)
        }
    }

    @Test func compactionMovesFirstIndexAndKeepsTheBoundaryTerm() throws {
        try withTemporaryDirectory { dir in
            do {
                let store = try BrakeStore(directory: dir)
                try store.persist(hardState: nil, entries: entries(1...6, term: 1) + entries(7...10, term: 2), snapshot: nil)
                try store.compact(through: 7)
                #expect(try store.firstIndex() == 8)
                #expect(try store.lastIndex() == 10)
                #expect(try store.term(at: 7) == 2)
                #expect(try store.term(at: 6) == nil)
                #expect(try store.entries(from: 1, through: 10).map(\.index) == [8, 9, 10])
                #expect(try store.stats().logEntryCount == 3)
                // Compacting below the first index does nothing; past the last index is refused.
                try store.compact(through: 3)
                #expect(try store.firstIndex() == 8)
                let error = #expect(throws: StoreError.self) { try store.compact(through: 11) }
                #expect(error?.code == .storeCorrupt)
                // Entries may not be written below the compaction point.
                #expect(throws: StoreError.self) {
                    try store.persist(hardState: nil, entries: entries(7...8, term: 3), snapshot: nil)
                }
                store.close()
            }
            let store = try BrakeStore(directory: dir)
            try store.compact(through: 10)
            #expect(try store.firstIndex() == 11)
            #expect(try store.lastIndex() == 10)
            #expect(try store.loadRaftState().entries.isEmpty)
            try store.persist(hardState: nil, entries: entries(11...11, term: 3), snapshot: nil)
            #expect(try store.loadRaftState().entries == entries(11...11, term: 3))
        }
    }

    @Test func aSnapshotThatDisagreesWithTheLogReplacesIt() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            try store.persist(hardState: nil, entries: entries(1...5, term: 1), snapshot: nil)
            // The leader's snapshot at 4 has term 2: our entries 1...5 of term 1 are a stale branch (Raft §7).
            let snapshot = Snapshot(metadata: SnapshotMetadata(index: 4, term: 2, voters: ["a", "b", "c"]), data: [7])
            try store.persist(hardState: nil, entries: entries(5...6, term: 2), snapshot: snapshot)
            let state = try store.loadRaftState()
            #expect(state.snapshot == snapshot)
            #expect(state.entries == entries(5...6, term: 2))
            #expect(try store.firstIndex() == 5)
            // An older snapshot is refused.
            let older = Snapshot(metadata: SnapshotMetadata(index: 3, term: 1, voters: ["a"]), data: [])
            let error = #expect(throws: StoreError.self) { try store.persist(hardState: nil, entries: [], snapshot: older) }
            #expect(error?.code == .storeCorrupt)
            #expect(try store.loadRaftState().snapshot == snapshot)
        }
    }

    /// A snapshot's learners survive a reopen, and metadata written before learners existed
    /// (format 1) still reads, as a membership without learners.
    @Test func snapshotMembershipSurvivesReopenAndOldMetadataReads() throws {
        try withTemporaryDirectory { dir in
            let metadata = SnapshotMetadata(index: 3, term: 2, voters: ["a", "b", "c"], learners: ["d"])
            do {
                let store = try BrakeStore(directory: dir)
                try store.persist(hardState: nil, entries: entries(1...3, term: 2), snapshot: nil)
                try store.persist(hardState: nil, entries: [], snapshot: Snapshot(metadata: metadata, data: [1]))
                store.close()
            }
            let store = try BrakeStore(directory: dir)
            #expect(try store.loadRaftState().snapshot?.metadata == metadata)
        }
        // Format 1, byte by byte: version, index 7, term 3, two voters (u32 length + UTF-8 each).
        let u32: (Int) -> [UInt8] = { n in [24, 16, 8, 0].map { UInt8((n >> $0) & 0xff) } }
        var old: [UInt8] = [1] + StoreCodec.encode(UInt64(7)) + StoreCodec.encode(UInt64(3)) + u32(2)
        for voter in ["a", "b"] { old += u32(voter.utf8.count) + Array(voter.utf8) }
        let decoded = try StoreCodec.decodeSnapshotMetadata(old)
        #expect(decoded == SnapshotMetadata(index: 7, term: 3, voters: ["a", "b"], learners: []))
        #expect(try StoreCodec.decodeSnapshotMetadata(StoreCodec.encode(snapshotMetadata: decoded)) == decoded)
        let unknown = #expect(throws: StoreError.self) { try StoreCodec.decodeSnapshotMetadata([3] + old.dropFirst()) }
        #expect(unknown?.code == .storeCorrupt)
    }
}
