import Testing
import BrakeRaft

@testable import BrakeStore

@Suite("Registry tables and the applied index")
struct RegistryTableTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func appliedWritesAndIndexSurviveReopenInKeyOrder() throws {
        try withTemporaryDirectory { dir in
            do {
                let store = try BrakeStore(directory: dir)
                try store.applyCommitted(index: 1, writes: [
                    RegistryWrite(key: bytes("pause/b"), value: bytes("B")),
                    RegistryWrite(key: bytes("motion/x"), value: bytes("X")),
                    RegistryWrite(key: bytes("pause/a"), value: []),
                ])
                try store.applyCommitted(index: 2, writes: [RegistryWrite(key: bytes("motion/x"), value: nil)])
                // An entry with no row changes still advances the applied index.
                try store.applyCommitted(index: 3, writes: [])
                store.close()
            }
            let store = try BrakeStore(directory: dir)
            #expect(try store.appliedIndex() == 3)
            let rows = try store.registryRows()
            #expect(rows.map(\.key) == [bytes("pause/a"), bytes("pause/b")])
            #expect(rows.map(\.value) == [[], bytes("B")])
            #expect(try store.registryValue(for: bytes("pause/b")) == bytes("B"))
            #expect(try store.registryValue(for: bytes("motion/x")) == nil)
            #expect(try store.registryRows(from: bytes("pause/b")).map(\.key) == [bytes("pause/b")])
            #expect(try store.registryRows(from: bytes("p"), limit: 1).map(\.key) == [bytes("pause/a")])
            #expect(try store.stats().registryRowCount == 2)
        }
    }

    @Test func anEntryIsNeverAppliedTwice() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            try store.applyCommitted(index: 5, writes: [RegistryWrite(key: bytes("k"), value: bytes("first"))])
            for index: UInt64 in [5, 4] {
                let error = #expect(throws: StoreError.self) {
                    try store.applyCommitted(index: index, writes: [RegistryWrite(key: bytes("k"), value: bytes("again"))])
                }
                #expect(error?.code == .storeCorrupt)
            }
            #expect(try store.registryValue(for: bytes("k")) == bytes("first"))
            #expect(try store.appliedIndex() == 5)
            // Skipping ahead is allowed: after a snapshot install the next entry follows the snapshot.
            try store.applyCommitted(index: 9, writes: [])
            #expect(try store.appliedIndex() == 9)
        }
    }

    @Test func aKeyLMDBCannotHoldIsRefusedAndNothingIsApplied() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            #expect(store.maxKeySize == 511)
            for key in [[], [UInt8](repeating: 1, count: store.maxKeySize + 1)] {
                let error = #expect(throws: StoreError.self) {
                    try store.applyCommitted(index: 1, writes: [
                        RegistryWrite(key: bytes("fine"), value: bytes("v")), RegistryWrite(key: key, value: bytes("v")),
                    ])
                }
                #expect(error?.code == .storeInvalid)
            }
            #expect(try store.registryRows().isEmpty)
            #expect(try store.appliedIndex() == 0)
            try store.applyCommitted(index: 1, writes: [RegistryWrite(key: [UInt8](repeating: 2, count: store.maxKeySize), value: [])])
            #expect(try store.registryRows().count == 1)
        }
    }

    @Test func snapshotInstallReplacesLogAndRegistryInOneTransaction() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            try store.persist(hardState: HardState(term: 1, vote: nil, commit: 2), entries: [
                Entry(term: 1, index: 1, data: []), Entry(term: 1, index: 2, data: bytes("two")),
            ], snapshot: nil)
            try store.applyCommitted(index: 1, writes: [
                RegistryWrite(key: bytes("old/1"), value: bytes("o")),
                RegistryWrite(key: bytes("shared"), value: bytes("old")),
            ])
            let snapshot = Snapshot(metadata: SnapshotMetadata(index: 40, term: 3, voters: ["a"]), data: bytes("registry"))
            try store.persist(
                hardState: HardState(term: 3, vote: nil, commit: 40), entries: [], snapshot: snapshot,
                registry: (rows: [(bytes("shared"), bytes("new")), (bytes("new/1"), bytes("n"))], appliedIndex: 40))
            let rows = try store.registryRows()
            #expect(rows.map(\.key) == [bytes("new/1"), bytes("shared")])
            #expect(rows.map(\.value) == [bytes("n"), bytes("new")])
            #expect(try store.appliedIndex() == 40)
            let raft = try store.loadRaftState()
            #expect(raft.snapshot?.metadata.index == 40)
            #expect(raft.entries.isEmpty)
            // A refused install (a bad row key) keeps the previous log, snapshot and registry whole.
            let later = Snapshot(metadata: SnapshotMetadata(index: 50, term: 3, voters: ["a"]), data: bytes("later"))
            #expect(throws: StoreError.self) {
                try store.persist(
                    hardState: nil, entries: [], snapshot: later,
                    registry: (rows: [(bytes("x"), bytes("x")), ([], bytes("bad"))], appliedIndex: 50))
            }
            #expect(try store.registryRows().map(\.key) == [bytes("new/1"), bytes("shared")])
            #expect(try store.appliedIndex() == 40)
            #expect(try store.loadRaftState().snapshot?.metadata.index == 40)
        }
    }

    @Test func aThrowingWriteLeavesNeitherRowsNorAppliedIndex() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            try store.applyCommitted(index: 1, writes: [RegistryWrite(key: bytes("kept"), value: bytes("1"))])
            let tables = store.tables
            let injected = StoreError.io("injected failure after the writes")
            let error = #expect(throws: StoreError.self) {
                try store.environment.write { (txn: inout WriteTransaction) throws(StoreError) in
                    try txn.put(tables.registry, bytes("half"), bytes("applied"))
                    try txn.delete(tables.registry, bytes("kept"))
                    try txn.put(tables.meta, BrakeStore.MetaKey.appliedIndex, StoreCodec.encode(UInt64(2)))
                    // The transaction sees its own writes before it fails.
                    #expect(try txn.get(tables.registry, bytes("half")) == bytes("applied"))
                    throw injected
                }
            }
            #expect(error == injected)
            #expect(try store.registryRows().map(\.key) == [bytes("kept")])
            #expect(try store.appliedIndex() == 1)
        }
    }
}
