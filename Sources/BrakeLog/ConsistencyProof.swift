/// A proof that a tree of `newSize` leaves extends the tree of `oldSize`: every leaf of the older tree is
/// in the newer one, in the same place (RFC 9162 2.1.4).
///
/// It is how a node checks a checkpoint against the last one it cosigned, and how any reader checks
/// that a log did not rewrite history between two tree heads it saw. Verification runs the RFC's
/// algorithm (2.1.4.2) on the hashes. Sizes the RFC does not define a proof for are settled here:
/// equal sizes need an empty proof and equal roots; a proof from the empty tree is refused, since every
/// tree extends it and the proof would prove nothing (so a verifier starting from nothing checks the
/// first tree head some other way, for example by recomputing it).
public struct ConsistencyProof: Sendable, Hashable {
    /// The size of the older tree.
    public let oldSize: UInt64
    /// The size of the newer tree.
    public let newSize: UInt64
    /// The consistency path, in the order RFC 9162 2.1.4.1 emits it.
    public let hashes: [MerkleHash]

    /// A proof as received; nothing is checked until `verify`.
    public init(oldSize: UInt64, newSize: UInt64, hashes: [MerkleHash]) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.hashes = hashes
    }

    /// Checks that the tree with head `newRoot` at `newSize` extends the tree with head `oldRoot` at
    /// `oldSize`; throws `invalid_proof`, naming the failed step, otherwise.
    public func verify(oldRoot: MerkleHash, newRoot: MerkleHash) throws(LogError) {
        let sizes = "from size \(oldSize) to size \(newSize)"
        guard oldSize <= newSize else {
            throw LogError.invalidProof("no consistency \(sizes): a tree never shrinks")
        }
        guard oldSize > 0 else {
            throw LogError.invalidProof("no consistency proof \(sizes): every tree extends the empty one")
        }
        if oldSize == newSize {
            guard hashes.isEmpty else {
                throw LogError.invalidProof("consistency proof between equal sizes \(oldSize) is not empty")
            }
            guard oldRoot == newRoot else {
                throw LogError.invalidProof("two roots at size \(oldSize): \(oldRoot) and \(newRoot)")
            }
            return
        }
        // 1. A proof between different sizes is never empty.
        guard !hashes.isEmpty else {
            throw LogError.invalidProof("consistency proof \(sizes) is empty")
        }
        // 2. When the old tree is a perfect subtree of the new one, the proof leaves out its root.
        var path = hashes
        if oldSize & (oldSize - 1) == 0 {
            path.insert(oldRoot, at: 0)
        }
        // 3.
        var fn = oldSize - 1
        var sn = newSize - 1
        // 4.
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        // 5.
        var fr = path[0]
        var sr = path[0]
        // 6.
        for c in path.dropFirst() {
            guard sn != 0 else {
                throw LogError.invalidProof("consistency proof \(sizes) has \(hashes.count) hashes, too many")
            }
            if fn & 1 == 1 || fn == sn {
                fr = MerkleHash.node(c, fr)
                sr = MerkleHash.node(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = MerkleHash.node(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        // 7.
        guard sn == 0 else {
            throw LogError.invalidProof("consistency proof \(sizes) has \(hashes.count) hashes, too few")
        }
        guard fr == oldRoot else {
            throw LogError.invalidProof("consistency proof \(sizes) leads to old root \(fr), not \(oldRoot)")
        }
        guard sr == newRoot else {
            throw LogError.invalidProof("consistency proof \(sizes) leads to new root \(sr), not \(newRoot)")
        }
    }
}
