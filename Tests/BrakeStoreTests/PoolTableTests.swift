import Testing

@testable import BrakeStore

/// The pending pool's table: entries are stored, replaced and deleted by id, and survive a reopen.
@Suite("The pool table")
struct PoolTableTests {
    static let a = String(repeating: "a", count: 64), b = String(repeating: "b", count: 64)

    @Test func entriesSurviveAReopenAndDeletesStick() throws {
        try withTemporaryDirectory { dir in
            do {
                let store = try BrakeStore(directory: dir)
                try store.writePool([(id: Self.a, envelope: Array("first".utf8)), (id: Self.b, envelope: Array("second".utf8))])
                try store.writePool([(id: Self.a, envelope: Array("merged".utf8))])
                store.close()
            }
            do {
                let store = try BrakeStore(directory: dir)
                let rows = try store.pooledEnvelopes()
                #expect(rows.map(\.id) == [Self.a, Self.b])
                #expect(rows.map { String(decoding: $0.envelope, as: UTF8.self) } == ["merged", "second"])
                try store.writePool([(id: Self.b, envelope: nil), (id: String(repeating: "c", count: 64), envelope: nil)])
                store.close()
            }
            let store = try BrakeStore(directory: dir)
            #expect(try store.pooledEnvelopes().map(\.id) == [Self.a])
        }
    }

    @Test func anEmptyIdIsRefusedAndChangesNothing() throws {
        try withTemporaryDirectory { dir in
            let store = try BrakeStore(directory: dir)
            #expect(throws: StoreError.self) {
                try store.writePool([(id: Self.a, envelope: [1]), (id: "", envelope: [2])])
            }
            #expect(try store.pooledEnvelopes().isEmpty)
        }
    }
}
