import BrakeRaft
import Testing

@testable import BrakeStore

/// `persistAndApply` stores exactly what `persist`, `applyCommitted` and `writePool` store one after
/// the other, and a refused batch leaves nothing of any part.
@Suite("One transaction for log, apply and pool")
struct BatchTransactionTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func entries(_ range: ClosedRange<UInt64>) -> [Entry] {
        range.map { Entry(term: 2, index: $0, data: bytes("entry \($0)")) }
    }

    func applied(_ range: ClosedRange<UInt64>) -> [BrakeStore.AppliedEntry] {
        range.map { index in
            BrakeStore.AppliedEntry(
                index: index, writes: [RegistryWrite(key: bytes("m/\(index)"), value: bytes("row \(index)"))],
                events: [(type: "motion_opened", json: bytes("{\"i\":\(index)}"))], history: Entry(term: 2, index: index, data: bytes("entry \(index)")))
        }
    }

    /// What a store holds that these writes touch.
    func contents(_ store: BrakeStore) throws -> String {
        let raft = try store.loadRaftState()
        let rows = try store.registryRows().map { String(decoding: $0.key + [61] + $0.value, as: UTF8.self) }
        let events = try store.events(afterIndex: 0, position: nil, limit: 100).events.map { "\($0.index).\($0.position) \($0.type)" }
        let pool = try store.pooledEnvelopes().map { $0.id }
        return "\(raft.hardState) \(raft.entries.map(\.index)) applied \(try store.appliedIndex()) rows \(rows) events \(events) pool \(pool)"
    }

    @Test func oneTransactionStoresWhatThreeDo() throws {
        let hardState = HardState(term: 2, vote: "node-1", commit: 3)
        let pool: [(id: String, envelope: [UInt8]?)] = [(id: "aa", envelope: bytes("{}")), (id: "bb", envelope: nil)]
        let separate = try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            try store.persist(hardState: hardState, entries: entries(1...3), snapshot: nil)
            try store.applyCommitted(applied(1...3))
            try store.writePool(pool)
            return try contents(store)
        }
        let together = try withTemporaryDirectory { dir in
            do {
                let store = try BrakeStore(directory: dir)
                try store.persistAndApply(hardState: hardState, entries: entries(1...3), applied: applied(1...3), pool: pool)
                store.close()
            }
            return try contents(try BrakeStore(directory: dir))
        }
        #expect(together == separate)
        #expect(together.contains("applied 3") && together.contains("[1, 2, 3]") && together.contains("pool [\"aa\"]"))
    }

    @Test func aRefusedBatchLeavesNothing() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            try store.persistAndApply(hardState: HardState(term: 2, vote: "node-1", commit: 2), entries: entries(1...2), applied: applied(1...2), pool: [])
            let before = try contents(store)
            // Entry 2 is applied already: the whole batch, log and pool included, is refused.
            #expect(throws: StoreError.self) {
                try store.persistAndApply(
                    hardState: HardState(term: 2, vote: "node-1", commit: 4), entries: entries(3...4), applied: applied(2...4),
                    pool: [(id: "cc", envelope: bytes("{}"))])
            }
            #expect(try contents(store) == before)
            // A gap in the log is refused the same way, with its applied part.
            #expect(throws: StoreError.self) {
                try store.persistAndApply(hardState: nil, entries: entries(5...5), applied: applied(3...3), pool: [])
            }
            #expect(try contents(store) == before)
        }
    }
}
