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

/// `count` bytes that start with `seed` (big-endian) and are filled with a seed-dependent byte, so a test can
/// tell one entry's data from another's; cheap to build even in debug builds.
func pattern(_ count: Int, seed: UInt64) -> [UInt8] {
    var bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: seed &* 37 &+ 1), count: count)
    for offset in 0..<min(8, count) { bytes[offset] = UInt8(truncatingIfNeeded: seed >> (56 - 8 * UInt64(offset))) }
    return bytes
}
