import Testing
import BrakeRaft

@testable import BrakeStore

@Suite("The event table")
struct EventTableTests {
    func event(_ type: String, _ n: Int) -> BrakeStore.EventRecord { (type, Array("{\"n\":\(n)}".utf8)) }

    func ids(_ page: BrakeStore.EventPage) -> [String] { page.events.map { "\($0.index).\($0.position)" } }

    @Test func eventsAreStoredWithTheirEntryAndReadAfterAnyPosition() throws {
        try withTemporaryDirectory { dir in
            do {
                let store = try BrakeStore(directory: dir)
                try store.applyCommitted(index: 1, writes: [])
                try store.applyCommitted(index: 2, writes: [], events: [event("motion_opened", 1), event("motion_signed", 2)])
                try store.applyCommitted(index: 3, writes: [], events: [event("motion_signed", 3), event("motion_passed", 4), event("pause_in_force", 5)])
                store.close()
            }
            let store = try BrakeStore(directory: dir)
            let all = try store.events(afterIndex: 0, position: nil, limit: 100)
            #expect(ids(all) == ["2.0", "2.1", "3.0", "3.1", "3.2"])
            #expect(all.events.map(\.type) == ["motion_opened", "motion_signed", "motion_signed", "motion_passed", "pause_in_force"])
            #expect(all.events[3].json == Array("{\"n\":4}".utf8))
            #expect(all.eventsFrom == 1 && all.appliedIndex == 3)
            #expect(ids(try store.events(afterIndex: 3, position: 0, limit: 100)) == ["3.1", "3.2"])
            #expect(ids(try store.events(afterIndex: 2, position: nil, limit: 100)) == ["3.0", "3.1", "3.2"])
            #expect(ids(try store.events(afterIndex: 2, position: 1, limit: 2)) == ["3.0", "3.1"])
            #expect(ids(try store.events(afterIndex: 3, position: 2, limit: 100)).isEmpty)
            #expect(ids(try store.events(afterIndex: .max, position: nil, limit: 100)).isEmpty)
            #expect(ids(try store.events(afterIndex: 3, position: .max, limit: 100)).isEmpty)
        }
    }

    @Test func eventsOfARefusedApplyAreNotStored() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            try store.applyCommitted(index: 4, writes: [], events: [event("motion_opened", 1)])
            #expect(throws: StoreError.self) {
                try store.applyCommitted(index: 4, writes: [], events: [event("motion_opened", 2)])
            }
            #expect(throws: StoreError.self) {
                try store.applyCommitted(index: 5, writes: [RegistryWrite(key: [], value: [1])], events: [event("motion_opened", 3)])
            }
            let page = try store.events(afterIndex: 0, position: nil, limit: 100)
            #expect(ids(page) == ["4.0"])
            #expect(page.events[0].json == Array("{\"n\":1}".utf8))
        }
    }

    @Test func eventsSurviveCompactionAndASnapshotInstallMovesTheirStart() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            try store.persist(hardState: HardState(term: 1, vote: nil, commit: 3), entries: [
                Entry(term: 1, index: 1, data: []), Entry(term: 1, index: 2, data: [2]), Entry(term: 1, index: 3, data: [3]),
            ], snapshot: nil)
            try store.applyCommitted(index: 1, writes: [])
            try store.applyCommitted(index: 2, writes: [], events: [event("motion_opened", 2)])
            try store.applyCommitted(index: 3, writes: [], events: [event("motion_opened", 3)])
            try store.compact(through: 3)
            #expect(ids(try store.events(afterIndex: 0, position: nil, limit: 100)) == ["2.0", "3.0"])

            // A snapshot from the leader covers entries this node never applied: their events are not here.
            let snapshot = Snapshot(metadata: SnapshotMetadata(index: 40, term: 3, voters: ["a"]), data: [1])
            try store.persist(hardState: HardState(term: 3, vote: nil, commit: 40), entries: [], snapshot: snapshot,
                              registry: (rows: [], appliedIndex: 40))
            let after = try store.events(afterIndex: 0, position: nil, limit: 100)
            #expect(ids(after).isEmpty && after.eventsFrom == 41 && after.appliedIndex == 40)
            try store.applyCommitted(index: 41, writes: [], events: [event("pause_in_force", 41)])
            #expect(ids(try store.events(afterIndex: 40, position: nil, limit: 100)) == ["41.0"])
            #expect(try store.eventsFrom() == 41)
        }
    }

    @Test func aStoreFromBeforeTheTableBeginsItsEventsAtItsNextApply() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            // Entries applied with no event records, as a store written before the table existed.
            try store.applyCommitted(index: 1, writes: [])
            let tables = store.tables
            try store.environment.write { (txn: inout WriteTransaction) throws(StoreError) in
                _ = try txn.delete(tables.meta, BrakeStore.MetaKey.eventsFrom)
                try txn.put(tables.meta, BrakeStore.MetaKey.appliedIndex, StoreCodec.encode(UInt64(7)))
            }
            #expect(try store.eventsFrom() == 8)
            try store.applyCommitted(index: 8, writes: [], events: [event("motion_opened", 8)])
            #expect(try store.eventsFrom() == 8)
        }
    }
}
