import Foundation
import Testing

@testable import BrakeStore

@Suite("The typed LMDB wrapper")
struct LMDBEnvironmentTests {
    func open(_ dir: String, initial: Int = 1 << 20, max: Int = 64 << 20) throws -> LMDBEnvironment {
        try LMDBEnvironment(path: dir, maxDatabases: 4, initialMapSize: initial, maxMapSize: max)
    }

    func key(_ value: UInt64) -> [UInt8] { StoreCodec.logKey(value) }

    @Test func cursorsScanInKeyOrderFromAStartKey() throws {
        try withTemporaryDirectory { dir in
            let environment = try open(dir)
            defer { environment.close() }
            let table = try environment.openDatabase(named: "t")
            try environment.write { (txn: inout WriteTransaction) throws(StoreError) in
                // Inserted out of order; big-endian keys sort numerically (256 after 3).
                for value: UInt64 in [256, 3, 1, 70000, 2] { try txn.put(table, key(value), [UInt8(truncatingIfNeeded: value)]) }
            }
            let scanned = try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
                var keys: [UInt64] = []
                try txn.scan(table, from: key(3)) { (key, _) throws(StoreError) in
                    keys.append(try StoreCodec.index(fromLogKey: key))
                    return keys.count < 2
                }
                return (keys, try txn.count(table))
            }
            #expect(scanned.0 == [3, 256])
            #expect(scanned.1 == 5)
            let ends = try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
                try txn.withCursor(table) { (cursor: inout LMDBCursor) throws(StoreError) in
                    let last = try cursor.last()?.key
                    let beforeLast = try cursor.previous()?.key
                    let pastEnd = try cursor.seek(atOrAfter: key(70001))
                    let first = try cursor.first()?.value
                    return (last, beforeLast, pastEnd == nil, first)
                }
            }
            #expect(ends.0 == key(70000))
            #expect(ends.1 == key(256))
            #expect(ends.2)
            #expect(ends.3 == [1])
        }
    }

    @Test func deletesReportWhetherARowExisted() throws {
        try withTemporaryDirectory { dir in
            let environment = try open(dir)
            defer { environment.close() }
            let table = try environment.openDatabase(named: "t")
            let deleted = try environment.write { (txn: inout WriteTransaction) throws(StoreError) in
                try txn.put(table, [1], [])
                return (try txn.delete(table, [1]), try txn.delete(table, [1]))
            }
            #expect(deleted == (true, false))
        }
    }

    @Test func aWriteThatOutgrowsTheMapIsRetriedWholeAfterGrowth() throws {
        try withTemporaryDirectory { dir in
            let environment = try open(dir, initial: 128 << 10)
            defer { environment.close() }
            let table = try environment.openDatabase(named: "t")
            var attempts = 0
            try environment.write { (txn: inout WriteTransaction) throws(StoreError) in
                attempts += 1
                for index: UInt64 in 0..<8 {
                    // Even a closure that swallows the failure must not commit a failed transaction.
                    try? txn.put(table, key(index), pattern(100 << 10, seed: index))
                }
            }
            #expect(attempts > 1)
            #expect(try environment.usage().mapSize >= 1 << 20)
            let count = try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in try txn.count(table) }
            #expect(count == 8)
        }
    }

    /// LMDB's return codes (lmdb.h), spelled out so the test does not depend on importing CLMDB.
    static let mappings: [(status: Int32, code: StoreError.Code, strerror: String)] = [
        (-30792, .storeFull, "MDB_MAP_FULL"),
        (ENOSPC, .storeFull, "No space left on device"),
        (-30796, .storeCorrupt, "MDB_CORRUPTED"),
        (-30797, .storeCorrupt, "MDB_PAGE_NOTFOUND"),
        (-30793, .storeCorrupt, "MDB_INVALID"),
        (-30794, .storeCorrupt, "MDB_VERSION_MISMATCH"),
        (-30795, .storeIO, "MDB_PANIC"),
        (-30790, .storeIO, "MDB_READERS_FULL"),
        (-30781, .storeInvalid, "MDB_BAD_VALSIZE"),
        (EIO, .storeIO, "Input/output error"),
        (EAGAIN, .dataDirLocked, "Resource temporarily unavailable"),
    ]

    @Test(arguments: mappings)
    func lmdbReturnCodesMapToStableCodes(status: Int32, code: StoreError.Code, strerror: String) {
        let error = StoreError(lmdb: status, context: "put into log")
        #expect(error.code == code)
        #expect(error.status == status)
        #expect(error.message.hasPrefix("put into log: "))
        #expect(error.message.contains(strerror))
        #expect(error.description.hasPrefix("\(code.rawValue): "))
    }

    @Test func filesLMDBDidNotWriteAreReportedCorrupt() throws {
        try withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(atPath: dir + "/store", withIntermediateDirectories: true)
            let garbage = Data(repeating: 0xAB, count: 64 << 10)
            #expect(FileManager.default.createFile(atPath: dir + "/store/data.mdb", contents: garbage))
            let error = #expect(throws: StoreError.self) { try BrakeStore(directory: dir) }
            #expect(error?.code == .storeCorrupt)
            #expect(error?.message.contains(dir + "/store") == true)
            // The failed open released the directory lock.
            try FileManager.default.removeItem(atPath: dir + "/store/data.mdb")
            #expect(try BrakeStore(directory: dir).lastIndex() == 0)
        }
    }

    @Test func recordsThatDoNotDecodeAreReportedCorrupt() throws {
        for bytes: [UInt8] in [[], [2, 0], [1] + [UInt8](repeating: 0, count: 16), [1] + [UInt8](repeating: 0, count: 17) + [9]] {
            let error = #expect(throws: StoreError.self) { try StoreCodec.decodeHardState(bytes) }
            #expect(error?.code == .storeCorrupt)
        }
        let voters = StoreCodec.encode(snapshotMetadata: .init(index: 9, term: 2, voters: ["ä", "b"]))
        #expect(try StoreCodec.decodeSnapshotMetadata(voters) == .init(index: 9, term: 2, voters: ["ä", "b"]))
        #expect(throws: StoreError.self) { try StoreCodec.decodeSnapshotMetadata(Array(voters.dropLast())) }
    }
}
