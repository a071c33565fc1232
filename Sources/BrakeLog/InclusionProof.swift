/// A proof that a leaf is in a tree of a given size (RFC 9162 2.1.3): the leaf's index, the tree's
/// size, and the inclusion path, sibling hashes from the leaf up.
///
/// A log serves it; anyone holding the leaf and a tree head they trust (from a cosigned checkpoint)
/// checks it with `verify(leafHash:root:)`, which runs the RFC's verification algorithm on the path,
/// never a recomputation of the tree.
public struct InclusionProof: Sendable, Hashable {
    /// The leaf's 0-based position in the tree.
    public let leafIndex: UInt64
    /// How many leaves the tree has.
    public let treeSize: UInt64
    /// The inclusion path, lowest sibling first.
    public let hashes: [MerkleHash]

    /// A proof as received; nothing is checked until `verify`.
    public init(leafIndex: UInt64, treeSize: UInt64, hashes: [MerkleHash]) {
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.hashes = hashes
    }

    /// Checks that the leaf with hash `leafHash` is at `leafIndex` in the tree of `treeSize` leaves whose
    /// head is `root`; throws `invalid_proof`, naming the failed step, otherwise.
    public func verify(leafHash: MerkleHash, root: MerkleHash) throws(LogError) {
        let computed = try impliedRoot(leafHash: leafHash)
        guard computed == root else {
            throw LogError.invalidProof(
                "inclusion proof of leaf \(leafIndex) in tree \(treeSize) leads to root \(computed), not \(root)")
        }
    }

    /// The root that the path leads to from `leafHash`, when the path has the length the index and size
    /// require: RFC 9162 2.1.3.2, steps 1 to 4, and the `sn` half of step 5. A caller that compares the
    /// result with a trusted root has run the whole algorithm.
    public func impliedRoot(leafHash: MerkleHash) throws(LogError) -> MerkleHash {
        // 1. The index must be inside the tree.
        guard leafIndex < treeSize else {
            throw LogError.invalidProof("leaf index \(leafIndex) is not below tree size \(treeSize)")
        }
        // 2., 3.
        var fn = leafIndex
        var sn = treeSize - 1
        var r = leafHash
        // 4.
        for (position, p) in hashes.enumerated() {
            guard sn != 0 else {
                throw LogError.invalidProof(
                    "inclusion proof of leaf \(leafIndex) in tree \(treeSize) has \(hashes.count) hashes, "
                        + "more than the \(position) it needs")
            }
            if fn & 1 == 1 || fn == sn {
                r = MerkleHash.node(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = MerkleHash.node(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        // 5. (first half) The path must have reached the top.
        guard sn == 0 else {
            throw LogError.invalidProof(
                "inclusion proof of leaf \(leafIndex) in tree \(treeSize) has \(hashes.count) hashes, too few")
        }
        return r
    }
}
