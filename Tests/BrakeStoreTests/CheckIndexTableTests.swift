import BrakeCore
import BrakeRaft
import Foundation
import Testing

@testable import BrakeStore

/// The check index follows every write of a pause row in the same transaction, so a `check`
/// answered from it during a restart is the registry's own verdict for the applied index.
@Suite("The check index")
struct CheckIndexTableTests {
    func pause(_ id: String, _ scope: String, at index: UInt64, liftedAt: UInt64? = nil, sunset: Millis? = nil) throws -> (key: [UInt8], value: [UInt8]) {
        let pause = Pause(
            id: id, scope: try Scope(scope), reason: "r \(id)", triggeredAt: index, since: 1_000 * Int64(index), signers: ["lab-a"],
            liftedAt: liftedAt, liftedBy: liftedAt.map { _ in "lift-\(id)" }, liftedTime: liftedAt.map { 1_000 * Int64($0) }, sunset: sunset)
        return (RegistryKey.pause(id).bytes, Array(try JSONEncoder().encode(pause)))
    }

    func write(_ row: (key: [UInt8], value: [UInt8])) -> RegistryWrite { RegistryWrite(key: row.key, value: row.value) }

    @Test func followsPauseRowsAndAnswersForCoveringScopes() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            try store.applyCommitted(index: 1, writes: [write(try pause("aa", "training", at: 1)), RegistryWrite(key: Array("m/aa".utf8), value: Array("{}".utf8))])
            try store.applyCommitted(index: 2, writes: [write(try pause("bb", "training/frontier", at: 2)), write(try pause("cc", "eval", at: 2))])
            try store.applyCommitted(index: 3, writes: [write(try pause("cc", "eval", at: 2, liftedAt: 3))])
            #expect(try store.checkIndexCount() == 2)
            let frontier = try store.checkTable(covering: try Scope("training/frontier/run-7"))
            #expect(frontier.appliedIndex == 3)
            #expect(frontier.pauses.map(\.id) == ["aa", "bb"])
            #expect(try store.checkTable(covering: try Scope("training")).pauses.map(\.id) == ["aa"])
            // A lifted pause leaves the index; a sibling scope with a shared prefix is not covered.
            #expect(try store.checkTable(covering: try Scope("eval")).pauses.isEmpty)
            #expect(try store.checkTable(covering: try Scope("training-x")).pauses.isEmpty)
            // A deleted pause row leaves the index too.
            try store.applyCommitted(index: 4, writes: [RegistryWrite(key: RegistryKey.pause("aa").bytes, value: nil)])
            #expect(try store.checkTable(covering: try Scope("training/frontier")).pauses.map(\.id) == ["bb"])
        }
    }

    @Test func aSnapshotInstallRebuildsIt() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            try store.applyCommitted(index: 1, writes: [write(try pause("aa", "training", at: 1))])
            let rows = [try pause("dd", "deploy", at: 7), try pause("ee", "training", at: 8, liftedAt: 9)]
            try store.persist(
                hardState: HardState(term: 2, vote: nil, commit: 10), entries: [],
                snapshot: Snapshot(metadata: SnapshotMetadata(index: 10, term: 2, voters: ["node-1"]), data: []),
                registry: (rows: rows, appliedIndex: 10))
            #expect(try store.checkIndexCount() == 1)
            #expect(try store.checkTable(covering: try Scope("training")).pauses.isEmpty)
            let deploy = try store.checkTable(covering: try Scope("deploy/x"))
            #expect(deploy.pauses.map(\.id) == ["dd"] && deploy.appliedIndex == 10)
        }
    }

    @Test func aStoreWithoutTheIndexGetsItWhenOpened() throws {
        try withTemporaryDirectory { dir in
            do {
                let store = try BrakeStore(directory: dir)
                try store.applyCommitted(index: 1, writes: [write(try pause("aa", "training", at: 1)), write(try pause("bb", "eval", at: 1, liftedAt: 1))])
                // As an earlier version left it: rows, no index.
                let tables = store.tables
                try store.environment.write { (txn: inout WriteTransaction) throws(StoreError) in
                    try txn.clear(tables.checks)
                    try txn.delete(tables.meta, BrakeStore.MetaKey.checkIndex)
                }
                #expect(try store.checkIndexCount() == 0)
                store.close()
            }
            let store = try BrakeStore(directory: dir)
            #expect(try store.checkIndexCount() == 1)
            #expect(try store.checkTable(covering: try Scope("training/a")).pauses.map(\.id) == ["aa"])
        }
    }

    @Test func aRowThatIsNotAPauseIsRefusedAndNothingIsApplied() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            let error = #expect(throws: StoreError.self) {
                try store.applyCommitted(index: 1, writes: [RegistryWrite(key: RegistryKey.pause("aa").bytes, value: Array("{}".utf8))])
            }
            #expect(error?.code == .storeCorrupt)
            #expect(try store.appliedIndex() == 0)
            #expect(try store.registryRows().isEmpty)
        }
    }
}
