/// The right edge of a tree: the roots of the perfect subtrees that together hold all its leaves, one
/// per set bit of its size, largest (leftmost) first. A tree of 13 = 8 + 4 + 1 leaves has three.
///
/// It is all a log needs to append and to know its current root, with no reads: appending a leaf
/// returns the nodes it completes (the leaf and each parent it closes, at most 64), for the shell to
/// store, and the root folds the at most 64 peaks. A node restarts without replaying its log by
/// reading the peaks back (`init(size:reading:)`), O(log n) reads.
public struct MerkleFrontier: Sendable, Hashable {
    /// A node completed by an append, to be written by the store: its place and its hash.
    public struct CompletedNode: Sendable, Hashable {
        /// Where the node sits.
        public let id: MerkleNodeID
        /// Its hash, final forever.
        public let hash: MerkleHash
    }

    /// How many leaves the tree holds.
    public private(set) var size: UInt64
    /// The perfect subtree roots, largest first; `peaks.count == size.nonzeroBitCount`.
    public private(set) var peaks: [MerkleHash]

    /// The frontier of the empty tree.
    public init() {
        size = 0
        peaks = []
    }

    /// Reads the frontier of a stored tree of `size` leaves back from its nodes.
    public init(size: UInt64, reading reader: some MerkleNodeReader) throws {
        self.size = size
        peaks = try Self.peakIDs(ofSize: size).map { try reader.hash(of: $0) }
    }

    /// The nodes that are the peaks of a tree of `size` leaves, largest first.
    public static func peakIDs(ofSize size: UInt64) -> [MerkleNodeID] {
        var ids: [MerkleNodeID] = []
        var start: UInt64 = 0
        for level in stride(from: 63, through: 0, by: -1) where size & (1 << UInt64(level)) != 0 {
            ids.append(MerkleNodeID(level: level, index: start >> UInt64(level)))
            start += 1 << UInt64(level)
        }
        return ids
    }

    /// The tree head, `MTH(D[size])`: the peaks folded from the right, which is the RFC 9162 2.1.1
    /// recursion (split at the largest power of two below the size) unrolled.
    public var root: MerkleHash {
        guard var hash = peaks.last else { return .emptyTree }
        for peak in peaks.dropLast().reversed() {
            hash = MerkleHash.node(peak, hash)
        }
        return hash
    }

    /// Appends the leaf with hash `leafHash` at index `size` and returns the nodes that are now complete:
    /// the leaf itself, then each parent it closes, lowest first. The tree cannot grow past 2^63 leaves.
    public mutating func append(leafHash: MerkleHash) -> [CompletedNode] {
        precondition(size < 1 << 63, "tree of \(size) leaves is full")
        let index = size
        var hash = leafHash
        var completed = [CompletedNode(id: MerkleNodeID(level: 0, index: index), hash: hash)]
        // Every trailing one bit of the old size is a peak of the same height as the subtree being
        // built; it is its left sibling, and they merge one level up.
        var level = 0
        while index & (1 << UInt64(level)) != 0 {
            hash = MerkleHash.node(peaks.removeLast(), hash)
            level += 1
            completed.append(CompletedNode(id: MerkleNodeID(level: level, index: index >> UInt64(level)), hash: hash))
        }
        peaks.append(hash)
        size += 1
        return completed
    }
}
