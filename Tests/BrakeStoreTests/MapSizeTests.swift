import BrakeRaft
import Testing

@testable import BrakeStore

@Suite("The LMDB map grows on demand and fails cleanly at its maximum")
struct MapSizeTests {
    static let entrySize = 64 << 10

    func entry(_ index: UInt64, size: Int = entrySize) -> Entry {
        Entry(term: 1, index: index, data: pattern(size, seed: index))
    }

    @Test func theMapGrowsToHoldSeveralMebibytes() throws {
        try withTemporaryDirectory { dir in
            let options = StoreOptions(initialMapSize: 256 << 10, maxMapSize: 64 << 20)
            do {
                let store = try BrakeStore(directory: dir, options: options)
                #expect(try store.stats().mapSize == 256 << 10)
                // 96 entries of 64 KiB: 6 MiB, written in batches so both large and repeated writes grow it.
                for batch in 0..<12 {
                    let batchEntries = (1...8).map { entry(UInt64(batch * 8 + $0)) }
                    try store.persist(hardState: HardState(term: 1, commit: UInt64(batch * 8)), entries: batchEntries, snapshot: nil)
                }
                let stats = try store.stats()
                #expect(stats.mapSize >= 6 << 20)
                #expect(stats.mapSize <= options.maxMapSize)
                #expect(stats.usedBytes >= 6 << 20)
                #expect(stats.logEntryCount == 96)
                store.close()
            }
            let store = try BrakeStore(directory: dir, options: options)
            let state = try store.loadRaftState()
            #expect(state.entries == (1...96).map { entry(UInt64($0)) })
            #expect(state.hardState.commit == 88)
        }
    }

    @Test func readersRunWhileTheMapGrows() async throws {
        try await withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir, options: StoreOptions(initialMapSize: 128 << 10, maxMapSize: 64 << 20))
            try store.persist(hardState: nil, entries: [entry(1, size: 100)], snapshot: nil)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for index in 2...49 {
                        try store.persist(hardState: nil, entries: [entry(UInt64(index))], snapshot: nil)
                    }
                }
                for _ in 0..<2 {
                    group.addTask {
                        // Each read sees a consistent, gap-free prefix of the log, however the map moved.
                        for _ in 0..<60 {
                            let entries = try store.loadRaftState().entries
                            #expect(entries.map(\.index) == Array(1...UInt64(entries.count)))
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try store.lastIndex() == 49)
            #expect(try store.stats().mapSize > 128 << 10)
        }
    }

    @Test func aFullStoreFailsWritesCleanlyAndKeepsEarlierData() throws {
        try withTemporaryDirectory { dir in
            let size = 1 << 20
            let store = try BrakeStore(directory: dir, options: StoreOptions(initialMapSize: size, maxMapSize: size))
            var failure: StoreError?
            var stored: UInt64 = 0
            for index in UInt64(1)...64 {
                do {
                    try store.persist(hardState: HardState(term: 1, commit: index), entries: [entry(index)], snapshot: nil)
                    stored = index
                } catch let error as StoreError {
                    failure = error
                    break
                }
            }
            let error = try #require(failure)
            #expect(error.code == .storeFull)
            #expect(error.code == "store_full")
            #expect(error.message.contains("maximum size of \(size) bytes"))
            #expect(stored >= 4)

            // Everything stored before the failure is intact, and the failed write left nothing.
            let state = try store.loadRaftState()
            #expect(state.entries == (1...stored).map { entry($0) })
            #expect(state.hardState.commit == stored)
            #expect(try store.stats().mapSize == size)

            // Dropping old entries makes room: the store accepts smaller writes again.
            try store.compact(through: stored - 1)
            try store.persist(hardState: nil, entries: [entry(stored + 1, size: 1 << 10)], snapshot: nil)
            try store.applyCommitted(index: 1, writes: [RegistryWrite(key: [1], value: [2])])
            #expect(try store.entries(from: stored, through: stored + 1) == [entry(stored), entry(stored + 1, size: 1 << 10)])
            #expect(try store.registryRows().count == 1)
        }
    }
}
