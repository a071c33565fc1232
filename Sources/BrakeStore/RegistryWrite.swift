/// One change to a registry row, produced by applying a committed entry.
///
/// Rows are opaque bytes to the store: the registry state machine (BrakeCore) chooses keys and encodings.
/// Keys sort bytewise, so the registry can lay out prefixes for range scans.
public struct RegistryWrite: Sendable, Hashable {
    /// The row's key; 1 to `BrakeStore.maxKeySize` bytes.
    public var key: [UInt8]
    /// The row's new value, or nil to delete the row.
    public var value: [UInt8]?

    /// Creates a write; pass `value: nil` to delete the row.
    public init(key: [UInt8], value: [UInt8]?) {
        self.key = key
        self.value = value
    }
}
