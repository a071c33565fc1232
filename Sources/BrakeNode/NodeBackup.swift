import BrakeStore

/// Backup and restore of a node's store, for `braked backup` and `braked restore` (the store
/// itself stays behind BrakeNode, as the blueprint's module table has it).
public enum NodeBackup {
    /// What a backup file holds.
    public typealias Summary = StoreBackupSummary

    /// A consistent hot copy of the store in `dataDirectory`, written to `file` (see `BrakeStore.backup`).
    public static func backup(dataDirectory: String, to file: String) throws -> Summary {
        try BrakeStore.backup(dataDirectory: dataDirectory, to: file)
    }

    /// Restores the backup `file` into the new or empty `dataDirectory` (see `BrakeStore.restore`).
    public static func restore(from file: String, into dataDirectory: String) throws -> Summary {
        try BrakeStore.restore(from: file, into: dataDirectory)
    }
}
