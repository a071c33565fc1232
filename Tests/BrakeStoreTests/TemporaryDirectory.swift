import Foundation

/// Runs `body` with a fresh, empty directory that is removed afterwards, so every test owns its data dir.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let template = FileManager.default.temporaryDirectory.path + "/brake-store-test-XXXXXX"
    var bytes = Array(template.utf8CString)
    guard let created = mkdtemp(&bytes) else {
        throw CocoaError(.fileWriteUnknown)
    }
    let path = String(cString: created)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// Async variant of `withTemporaryDirectory`.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let template = FileManager.default.temporaryDirectory.path + "/brake-store-test-XXXXXX"
    var bytes = Array(template.utf8CString)
    guard let created = mkdtemp(&bytes) else {
        throw CocoaError(.fileWriteUnknown)
    }
    let path = String(cString: created)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Bytes that differ by position and seed, so a test can tell one entry's data from another's.
func pattern(_ count: Int, seed: UInt64) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: UInt64($0) &* 31 &+ seed &* 7) }
}
