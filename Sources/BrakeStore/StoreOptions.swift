/// How a `BrakeStore` sizes its LMDB map.
///
/// LMDB maps the whole database into memory at a fixed size; Brake starts small and doubles the map when a
/// write needs more, up to `maxMapSize`, so a small deployment does not reserve address space it never uses
/// and a large one never stops at an arbitrary limit it was not configured for.
public struct StoreOptions: Sendable, Hashable {
    /// The map size to start with, in bytes (default 64 MiB). An existing store larger than this keeps its size.
    public var initialMapSize: Int = 64 << 20
    /// The largest the map may grow to, in bytes (default 64 GiB). Writes beyond it fail with `store_full`.
    public var maxMapSize: Int = 64 << 30

    /// Creates options; sizes below 64 KiB are raised to 64 KiB, and the initial size is capped by the maximum.
    public init(initialMapSize: Int = 64 << 20, maxMapSize: Int = 64 << 30) {
        self.initialMapSize = initialMapSize
        self.maxMapSize = maxMapSize
    }
}
