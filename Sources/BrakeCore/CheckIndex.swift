/// The layout of the check index: the pauses not lifted, keyed by scope, as a store keeps them
/// beside the registry rows so that `check` can be answered without loading the registry.
///
/// A restarted node holding a million entries cannot load its whole registry within the time a
/// scheduler waits for `check`; it answers from this index instead, read in one transaction with
/// the applied index, until the registry is loaded (Specs/consensus.md, "Restart").
///
/// Key: the scope path's UTF-8 bytes, one 0x00 byte (a scope never contains it), the pause id.
/// Value: the pause row exactly as the registry writes it (`Registry.row(for: .pause(id))`). A
/// pause is in the index exactly when its row exists and it is not lifted, the same rule as
/// `Registry.checkTable`; a sunset is evaluated at check time, as there.
public enum CheckIndex {
    /// What one pause row means for the index.
    public struct Entry: Sendable, Hashable {
        /// The index key of the pause.
        public var key: [UInt8]
        /// Whether the pause belongs in the index (it is not lifted).
        public var unlifted: Bool
    }

    /// The index key of a pause of `scope` with id `id`.
    public static func key(scope: Scope, id: String) -> [UInt8] {
        prefix(path: scope.path) + Array(id.utf8)
    }

    /// The first key of the pauses of exactly `path`: every key of those pauses starts with it, and
    /// no key of another path does (the path is followed by 0x00, which no scope contains).
    public static func prefix(path: String) -> [UInt8] {
        Array(path.utf8) + [0]
    }

    /// The key prefixes to scan for a check of `scope`: the scope itself and each ancestor by whole
    /// segments, at most one range per segment however many pauses there are elsewhere.
    public static func prefixes(covering scope: Scope) -> [[UInt8]] {
        CheckTable.coveringPaths(of: scope).map(prefix(path:))
    }

    /// What a stored pause row means for the index (`corrupt_state` if it is not a pause row).
    public static func entry(pauseRow value: [UInt8]) throws(BrakeError) -> Entry {
        let pause = try pause(row: value)
        return Entry(key: key(scope: pause.scope, id: pause.id), unlifted: pause.liftedAt == nil)
    }

    /// The prefix of every pause row's key (`RegistryKey.pause`).
    public static let pauseRowPrefix = Array("p/".utf8)

    /// Whether a registry row key is a pause row, whose writes the index follows.
    public static func isPauseRow(_ key: [UInt8]) -> Bool {
        key.count > pauseRowPrefix.count && key.starts(with: pauseRowPrefix)
    }

    /// The table `check` consults, from the index rows of the covering prefixes read in one
    /// transaction with `appliedIndex` (`corrupt_state` if a row does not decode): the same table
    /// the registry keeps for those scopes, so both give the same verdict.
    public static func table(rows: [[UInt8]], appliedIndex: UInt64) throws(BrakeError) -> CheckTable {
        var pauses: [Pause] = []
        for row in rows { pauses.append(try pause(row: row)) }
        return CheckTable(pauses: pauses, appliedIndex: appliedIndex)
    }

    static func pause(row value: [UInt8]) throws(BrakeError) -> Pause {
        do throws(BrakeError) {
            return try Pause(json: JSONValue.parse(value, what: "pause row"))
        } catch {
            throw BrakeError(.corruptState, "check index: \(error.message)")
        }
    }
}
