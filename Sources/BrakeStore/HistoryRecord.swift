import BrakeLog
import BrakeRaft

/// One committed entry as the permanent history keeps it: its index and term, and either the leaf it
/// adds to the Merkle tree (`Specs/log.md` 1) or, for an entry that is not a leaf (a leader's no-op,
/// data that is not a declaration), its data as committed.
///
/// Every applied entry has a history row, so `GET /v1/log` answers from entry 1 whatever Raft compacted;
/// only declarations are leaves. The leaf bytes are stored as they were hashed, never derived again on
/// read, so what a proof serves is exactly what the tree committed to even if a later version encoded
/// envelopes differently.
public struct HistoryRecord: Sendable, Hashable {
    /// What the entry holds.
    public enum Content: Sendable, Hashable {
        /// Not a leaf: the entry's data as committed (empty for a no-op).
        case noLeaf(data: [UInt8])
        /// A leaf: its bytes, and its position in the tree, or nil when the node's history before the
        /// entry is missing (after a snapshot install) so it could not place it.
        case leaf(position: UInt64?, bytes: [UInt8])
    }

    /// The Raft index of the entry.
    public var index: UInt64
    /// The term of the entry.
    public var term: UInt64
    /// Its leaf or its data.
    public var content: Content

    /// A record from its parts.
    public init(index: UInt64, term: UInt64, content: Content) {
        self.index = index
        self.term = term
        self.content = content
    }

    /// The record of a committed entry before the store places it: its leaf (`LogLeaf`, unplaced) when
    /// its data is a declaration, its data otherwise.
    public init(entry: Entry) {
        if let leaf = LogLeaf(entryIndex: entry.index, entryData: entry.data) {
            self.init(index: entry.index, term: entry.term, content: .leaf(position: nil, bytes: leaf.bytes))
        } else {
            self.init(index: entry.index, term: entry.term, content: .noLeaf(data: entry.data))
        }
    }

    /// The leaf bytes, for a leaf.
    public var leafBytes: [UInt8]? {
        if case .leaf(_, let bytes) = content { return bytes }
        return nil
    }

    /// The leaf's position in the tree, for a placed leaf.
    public var leafPosition: UInt64? {
        if case .leaf(let position, _) = content { return position }
        return nil
    }

    /// Whether the entry is a leader's no-op.
    public var isNoop: Bool { content == .noLeaf(data: []) }

    /// The decoded leaf (entry index, leader's time, canonical envelope); nil for an entry that is not a
    /// leaf. Stored leaf bytes that do not decode are a broken store: `invalid_leaf`.
    public func leaf() throws(LogError) -> LogLeaf? {
        guard let bytes = leafBytes else { return nil }
        return try LogLeaf(bytes: bytes)
    }
}
