/// Sizes of the store, for `/metrics` and for operators watching the map approach its maximum.
public struct StoreStats: Sendable, Hashable {
    /// The current LMDB map size in bytes; it doubles on demand up to `maxMapSize`.
    public var mapSize: Int
    /// The configured ceiling for `mapSize`.
    public var maxMapSize: Int
    /// Bytes of pages in use: the high-water mark of the data file, including pages LMDB keeps for reuse.
    public var usedBytes: Int
    /// How many Raft log entries are stored (those not yet compacted away).
    public var logEntryCount: Int
    /// How many registry rows are stored.
    public var registryRowCount: Int

    /// Creates stats; the store fills them in.
    public init(mapSize: Int, maxMapSize: Int, usedBytes: Int, logEntryCount: Int, registryRowCount: Int) {
        self.mapSize = mapSize
        self.maxMapSize = maxMapSize
        self.usedBytes = usedBytes
        self.logEntryCount = logEntryCount
        self.registryRowCount = registryRowCount
    }
}
