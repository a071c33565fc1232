import Foundation
import Testing

@testable import BrakeStore

@Suite("One store per data directory")
struct DataDirectoryLockTests {
    @Test func aSecondOpenFailsUntilTheFirstCloses() throws {
        try withTemporaryDirectory { dir in
            let first = try BrakeStore(directory: dir)
            let error = #expect(throws: StoreError.self) { try BrakeStore(directory: dir) }
            #expect(error?.code == .dataDirLocked)
            #expect(error?.code == "data_dir_locked")
            #expect(error?.message.contains(dir) == true)
            #expect(error?.message.contains("pid \(getpid())") == true)
            try first.applyCommitted(index: 1, writes: [])
            first.close()

            let second = try BrakeStore(directory: dir)
            #expect(try second.appliedIndex() == 1)
            // A closed store refuses further calls instead of touching a closed environment.
            #expect((#expect(throws: StoreError.self) { try first.appliedIndex() })?.code == .storeIO)
        }
    }

    @Test func releasingTheLastReferenceReleasesTheLock() throws {
        try withTemporaryDirectory { dir in
            var store: BrakeStore? = try BrakeStore(directory: dir)
            #expect(store != nil)
            store = nil
            let reopened = try BrakeStore(directory: dir)
            #expect(try reopened.lastIndex() == 0)
        }
    }

    @Test func createsMissingDirectoriesPrivately() throws {
        try withTemporaryDirectory { dir in
            let nested = dir + "/a/b/node"
            let store = try BrakeStore(directory: nested)
            defer { store.close() }
            let attributes = try FileManager.default.attributesOfItem(atPath: nested)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
            #expect(FileManager.default.fileExists(atPath: nested + "/LOCK"))
            #expect(FileManager.default.fileExists(atPath: nested + "/store/data.mdb"))
        }
    }

    @Test func aFileInPlaceOfTheDirectoryIsAnIOError() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/not-a-dir"
            #expect(FileManager.default.createFile(atPath: path, contents: Data([1])))
            let error = #expect(throws: StoreError.self) { try BrakeStore(directory: path) }
            #expect(error?.code == .storeIO)
        }
    }
}
