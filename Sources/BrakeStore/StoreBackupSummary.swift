/// What a backup of a node's store holds, read back from the backup file itself: enough for an operator to
/// tell which point of the log a backup reached, and for `restore` to refuse a file that is not a Brake store.
public struct StoreBackupSummary: Sendable, Hashable {
    /// The index of the last entry applied to the registry in the copy.
    public var appliedIndex: UInt64
    /// The last index of the Raft log in the copy (entries after `appliedIndex` are applied when the node starts).
    public var lastIndex: UInt64
    /// The Raft term recorded in the copy's hard state.
    public var term: UInt64
    /// The commit index recorded in the copy's hard state.
    public var commitIndex: UInt64
    /// Log entries in the copy (those after its snapshot or compaction point).
    public var logEntries: Int
    /// Registry rows in the copy.
    public var registryRows: Int
    /// The size of the backup file in bytes.
    public var bytes: Int

    /// Creates a summary.
    public init(
        appliedIndex: UInt64, lastIndex: UInt64, term: UInt64, commitIndex: UInt64, logEntries: Int, registryRows: Int,
        bytes: Int
    ) {
        self.appliedIndex = appliedIndex
        self.lastIndex = lastIndex
        self.term = term
        self.commitIndex = commitIndex
        self.logEntries = logEntries
        self.registryRows = registryRows
        self.bytes = bytes
    }
}
