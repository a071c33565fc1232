/// Where a node sits in the tree: the root of a perfect subtree of `2^level` leaves, the `index`-th such
/// subtree from the left, covering leaves `index * 2^level ..< (index + 1) * 2^level`.
///
/// Only perfect subtrees have an identity: their hashes never change once their last leaf is appended,
/// so a store writes each exactly once and keeps it forever. Level 0 holds the leaf hashes. The hash of
/// any other range (the right edge of a tree whose size is not a power of two) is folded from at most
/// 64 of these on demand, which is what keeps every root and proof at O(log n) node reads.
public struct MerkleNodeID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The height above the leaves: the subtree holds `2^level` leaves. At most 63.
    public let level: Int
    /// The position among the subtrees of that level, from the left.
    public let index: UInt64

    /// Names the node; `level` must be below 64 and the node's leaves must fit in `UInt64`.
    public init(level: Int, index: UInt64) {
        precondition((0..<64).contains(level) && index < UInt64.max >> level, "no node (\(level), \(index))")
        self.level = level
        self.index = index
    }

    /// The first leaf the node covers.
    public var firstLeaf: UInt64 { index << level }

    /// How many leaves the tree needs before this node is complete (and may be read).
    public var completeAtSize: UInt64 { (index + 1) << level }

    /// Ordered by level, then index: the order in which a store may key them.
    public static func < (a: MerkleNodeID, b: MerkleNodeID) -> Bool {
        (a.level, a.index) < (b.level, b.index)
    }

    /// `(level, index)`.
    public var description: String { "(\(level), \(index))" }
}
