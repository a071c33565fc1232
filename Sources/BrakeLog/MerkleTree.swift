/// The RFC 9162 Merkle tree of a log at one size, over stored node hashes: its roots at any size up to
/// its own, and inclusion and consistency proofs, each built from O(log n) node reads.
///
/// It holds no hashes itself. Nodes come from a `MerkleNodeReader` (memory, or a store's read
/// transaction), which must hold every node complete at `size` (what `MerkleFrontier.append` returned
/// for the first `size` leaves). Proofs are the ones RFC 9162 2.1.3.1 and 2.1.4.1 define, hash for hash;
/// the recursion is followed literally, with each `MTH(D[a:b])` it names folded from the at most 64
/// perfect subtrees that tile `[a, b)`. Along one proof only one such range is ever not perfect (the
/// right edge at the top), so a proof costs O(log n) reads, not O(log² n).
///
/// Errors: `out_of_range` for an index or size the tree cannot answer; `missing_node` or the reader's
/// own error when storage fails.
public struct MerkleTree<Reader: MerkleNodeReader> {
    /// How many leaves the tree holds; no root or proof beyond it is answered.
    public let size: UInt64
    /// Where the node hashes come from.
    public let reader: Reader

    /// The tree of the first `size` leaves whose nodes `reader` holds.
    public init(size: UInt64, reader: Reader) {
        self.size = size
        self.reader = reader
    }

    /// The tree head `MTH(D[treeSize])` of the log when it had `treeSize` leaves; the empty tree's
    /// hash for 0.
    public func root(atSize treeSize: UInt64) throws -> MerkleHash {
        guard treeSize <= size else {
            throw LogError.outOfRange("no root at size \(treeSize): the tree has \(size) leaves")
        }
        return treeSize == 0 ? .emptyTree : try rangeHash(0..<treeSize)
    }

    /// The inclusion proof of leaf `leafIndex` in the tree of `treeSize` leaves: `PATH(m, D[n])`
    /// (RFC 9162 2.1.3.1), the sibling hashes from the leaf up.
    public func inclusionProof(leafIndex: UInt64, treeSize: UInt64) throws -> InclusionProof {
        guard treeSize <= size else {
            throw LogError.outOfRange("no proof at size \(treeSize): the tree has \(size) leaves")
        }
        guard leafIndex < treeSize else {
            throw LogError.outOfRange("leaf \(leafIndex) is not in a tree of \(treeSize) leaves")
        }
        var hashes: [MerkleHash] = []
        try path(leafIndex, 0..<treeSize, into: &hashes)
        return InclusionProof(leafIndex: leafIndex, treeSize: treeSize, hashes: hashes)
    }

    /// The consistency proof that the tree of `newSize` leaves extends the tree of `oldSize`:
    /// `PROOF(m, D[n])` (RFC 9162 2.1.4.1), empty when the sizes are equal. The RFC defines it for
    /// `0 < m`: every tree extends the empty one, and a proof of it would prove nothing.
    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64) throws -> ConsistencyProof {
        guard newSize <= size else {
            throw LogError.outOfRange("no proof to size \(newSize): the tree has \(size) leaves")
        }
        guard oldSize > 0, oldSize <= newSize else {
            throw LogError.outOfRange("no consistency proof from size \(oldSize) to size \(newSize)")
        }
        var hashes: [MerkleHash] = []
        if oldSize < newSize {
            try subproof(oldSize, 0..<newSize, complete: true, into: &hashes)
        }
        return ConsistencyProof(oldSize: oldSize, newSize: newSize, hashes: hashes)
    }

    /// `PATH(m, D[a:b])`: the proof for leaf `m` within the subtree of leaves `range`.
    private func path(_ m: UInt64, _ range: Range<UInt64>, into hashes: inout [MerkleHash]) throws {
        guard range.upperBound - range.lowerBound > 1 else { return }
        let split = range.lowerBound + Self.largestPowerOfTwo(below: range.upperBound - range.lowerBound)
        if m < split {
            try path(m, range.lowerBound..<split, into: &hashes)
            hashes.append(try rangeHash(split..<range.upperBound))
        } else {
            try path(m, split..<range.upperBound, into: &hashes)
            hashes.append(try rangeHash(range.lowerBound..<split))
        }
    }

    /// `SUBPROOF(m, D[a:b], b)`, with `m` counted from the tree's first leaf: `complete` is the RFC's
    /// flag, true while the subtree at hand is the old tree's own root, which the verifier already has.
    private func subproof(_ m: UInt64, _ range: Range<UInt64>, complete: Bool, into hashes: inout [MerkleHash]) throws {
        if m == range.upperBound {
            if !complete { hashes.append(try rangeHash(range)) }
            return
        }
        let split = range.lowerBound + Self.largestPowerOfTwo(below: range.upperBound - range.lowerBound)
        if m <= split {
            try subproof(m, range.lowerBound..<split, complete: complete, into: &hashes)
            hashes.append(try rangeHash(split..<range.upperBound))
        } else {
            try subproof(m, split..<range.upperBound, complete: false, into: &hashes)
            hashes.append(try rangeHash(range.lowerBound..<split))
        }
    }

    /// `MTH(D[a:b])` for a range the RFC recursion produces (non-empty, and starting at a multiple of
    /// the largest power of two not above its length): the perfect subtrees that tile it, largest
    /// first, folded from the right. At most 64 reads.
    func rangeHash(_ range: Range<UInt64>) throws -> MerkleHash {
        precondition(!range.isEmpty && range.upperBound <= size, "no range hash for \(range) in a tree of \(size)")
        var tiles: [MerkleHash] = []
        var start = range.lowerBound
        let count = range.upperBound - range.lowerBound
        for level in stride(from: 63 - count.leadingZeroBitCount, through: 0, by: -1) where count & (1 << UInt64(level)) != 0 {
            precondition(start % (1 << UInt64(level)) == 0, "range \(range) is not aligned at level \(level)")
            tiles.append(try reader.hash(of: MerkleNodeID(level: level, index: start >> UInt64(level))))
            start += 1 << UInt64(level)
        }
        var hash = tiles.removeLast()
        for tile in tiles.reversed() {
            hash = MerkleHash.node(tile, hash)
        }
        return hash
    }

    /// The largest power of two smaller than `n` (RFC 9162's `k`), for `n > 1`.
    static func largestPowerOfTwo(below n: UInt64) -> UInt64 {
        1 << UInt64(63 - (n - 1).leadingZeroBitCount)
    }
}

extension MerkleTree: Sendable where Reader: Sendable {}
