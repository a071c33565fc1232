import BrakeLog
import Foundation
import Testing

/// Properties over every small tree: roots equal RFC 9162's recursive `MTH`; every inclusion proof for
/// every size up to 300 and every consistency proof for every pair of sizes up to 200 is the RFC's
/// proof hash for hash, verifies, and stops verifying when anything about it is changed.
///
/// Tampering (every bit of every hash, and the other variants) is swept over every size up to 128
/// and every pair up to 96 by default, and over the full ranges with `BRAKE_MERKLE_FULL=1` (CI's
/// default run keeps the suite to one core for a few seconds: it shares the process with timed
/// in-process clusters).
@Suite("Merkle tree properties", .serialized)
struct MerklePropertyTests {
    static let maxInclusionSize = 300
    static let maxConsistencySize = 200
    static let full = ProcessInfo.processInfo.environment["BRAKE_MERKLE_FULL"] == "1"
    static let maxTamperedInclusionSize = full ? maxInclusionSize : 128
    static let maxTamperedConsistencySize = full ? maxConsistencySize : 96

    /// One tree of `maxInclusionSize` leaves; the tree at a smaller size is a prefix of it, so one set of
    /// stored nodes answers for every size (the way a log answers for its past).
    static let nodes = InMemoryMerkleNodes(leaves: (0..<maxInclusionSize).map(leafBytes))
    static func reference() -> ReferenceTree {
        // One leaf more than the stored tree, for proofs claimed at the next size.
        ReferenceTree(leaves: (0...maxInclusionSize).map { MerkleHash.leaf(leafBytes($0)) })
    }

    @Test func rootsAtEverySizeMatchTheRecursiveDefinition() throws {
        let reference = Self.reference()
        let tree = Self.nodes.tree
        var grown = InMemoryMerkleNodes()
        #expect(try tree.root(atSize: 0) == .emptyTree)
        #expect(grown.frontier.root == .emptyTree)
        #expect(MerkleHash.emptyTree.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        for n in 1...Self.maxInclusionSize {
            grown.append(leafHash: MerkleHash.leaf(leafBytes(n - 1)))
            let expected = reference.mth(0..<n)
            let historical = try tree.root(atSize: n.u64)
            #expect(historical == expected, "root at size \(n) from stored nodes: \(historical), MTH: \(expected)")
            #expect(grown.frontier.root == expected, "frontier root at size \(n): \(grown.frontier.root), MTH: \(expected)")
            #expect(grown.nodeCount < 2 * n, "\(grown.nodeCount) nodes stored for \(n) leaves")
        }
        #expect(throws: LogError.self) { try tree.root(atSize: Self.maxInclusionSize.u64 + 1) }
    }

    @Test func everyInclusionProofIsTheRFCsAndVerifies() throws {
        let reference = Self.reference()
        let tree = Self.nodes.tree
        var checked = 0
        for n in 1...Self.maxInclusionSize {
            let root = reference.mth(0..<n)
            for m in 0..<n {
                let proof = try tree.inclusionProof(leafIndex: m.u64, treeSize: n.u64)
                let expected = reference.path(m, 0..<n)
                #expect(proof.hashes == expected, "PATH(\(m), D[\(n)]): \(proof.hashes.count) hashes, RFC: \(expected.count)")
                let leaf = MerkleHash.leaf(leafBytes(m))
                let error = logError { () throws(LogError) in try proof.verify(leafHash: leaf, root: root) }
                #expect(error == nil, "proof of leaf \(m) in tree \(n) refused: \(String(describing: error))")
                checked += 1
            }
        }
        #expect(checked == Self.maxInclusionSize * (Self.maxInclusionSize + 1) / 2)
    }

    @Test func everyTamperedInclusionProofIsRefused() throws {
        let reference = Self.reference()
        let tree = Self.nodes.tree
        for n in 1...Self.maxTamperedInclusionSize {
            let root = reference.mth(0..<n)
            for m in 0..<n {
                let proof = try tree.inclusionProof(leafIndex: m.u64, treeSize: n.u64)
                let leaf = MerkleHash.leaf(leafBytes(m))
                var variants: [(String, InclusionProof, MerkleHash, MerkleHash)] = []
                for (i, hash) in proof.hashes.enumerated() {
                    var hashes = proof.hashes
                    hashes[i] = flipped(hash, bit: (m * 31 + n + i) % 256)
                    variants.append(("bit flipped in hash \(i)", InclusionProof(leafIndex: m.u64, treeSize: n.u64, hashes: hashes), leaf, root))
                }
                variants.append(("bit flipped in the leaf", proof, flipped(leaf, bit: m % 256), root))
                variants.append(("bit flipped in the root", proof, leaf, flipped(root, bit: n % 256)))
                variants.append(("hash appended", InclusionProof(leafIndex: m.u64, treeSize: n.u64, hashes: proof.hashes + [root]), leaf, root))
                if !proof.hashes.isEmpty {
                    variants.append(("last hash dropped", InclusionProof(leafIndex: m.u64, treeSize: n.u64, hashes: proof.hashes.dropLast()), leaf, root))
                }
                if n > 1 {
                    // The same path claimed for a neighbouring leaf.
                    let other = (m + 1) % n
                    variants.append(("index \(other) claimed", InclusionProof(leafIndex: other.u64, treeSize: n.u64, hashes: proof.hashes), leaf, root))
                }
                variants.append(("index beyond the size", InclusionProof(leafIndex: n.u64, treeSize: n.u64, hashes: proof.hashes), leaf, root))
                // A claim at another size is checked against that size's true root: the statement is then
                // false only in the size the path was made for, so the path alone must give it away.
                variants.append(("size + 1 claimed", InclusionProof(leafIndex: m.u64, treeSize: n.u64 + 1, hashes: proof.hashes), leaf, reference.mth(0..<n + 1)))
                for (what, variant, leafHash, rootHash) in variants {
                    let error = logError { () throws(LogError) in try variant.verify(leafHash: leafHash, root: rootHash) }
                    #expect(error?.code == .invalidProof, "leaf \(m) of tree \(n), \(what): verify gave \(String(describing: error))")
                }
            }
        }
    }

    @Test func everyConsistencyProofIsTheRFCsAndVerifies() throws {
        let reference = Self.reference()
        let tree = Self.nodes.tree
        var checked = 0
        for n in 1...Self.maxConsistencySize {
            let newRoot = reference.mth(0..<n)
            for m in 1...n {
                let oldRoot = reference.mth(0..<m)
                let proof = try tree.consistencyProof(from: m.u64, to: n.u64)
                let expected = m == n ? [] : reference.proof(m, n)
                #expect(proof.hashes == expected, "PROOF(\(m), D[\(n)]): \(proof.hashes.count) hashes, RFC: \(expected.count)")
                let error = logError { () throws(LogError) in try proof.verify(oldRoot: oldRoot, newRoot: newRoot) }
                #expect(error == nil, "consistency \(m) -> \(n) refused: \(String(describing: error))")
                checked += 1
            }
        }
        #expect(checked == Self.maxConsistencySize * (Self.maxConsistencySize + 1) / 2)
    }

    @Test func everyTamperedConsistencyProofIsRefused() throws {
        let reference = Self.reference()
        let tree = Self.nodes.tree
        for n in 1...Self.maxTamperedConsistencySize {
            let newRoot = reference.mth(0..<n)
            for m in 1...n {
                let oldRoot = reference.mth(0..<m)
                let proof = try tree.consistencyProof(from: m.u64, to: n.u64)
                func claim(_ old: Int, _ new: Int, _ hashes: [MerkleHash]) -> ConsistencyProof {
                    ConsistencyProof(oldSize: old.u64, newSize: new.u64, hashes: hashes)
                }
                var variants: [(String, ConsistencyProof, MerkleHash, MerkleHash)] = []
                for (i, hash) in proof.hashes.enumerated() {
                    var hashes = proof.hashes
                    hashes[i] = flipped(hash, bit: (m * 17 + n + i) % 256)
                    variants.append(("bit flipped in hash \(i)", claim(m, n, hashes), oldRoot, newRoot))
                }
                variants.append(("bit flipped in the old root", proof, flipped(oldRoot, bit: m % 256), newRoot))
                variants.append(("bit flipped in the new root", proof, oldRoot, flipped(newRoot, bit: n % 256)))
                variants.append(("hash appended", claim(m, n, proof.hashes + [newRoot]), oldRoot, newRoot))
                variants.append(("hash prepended", claim(m, n, [oldRoot] + proof.hashes), oldRoot, newRoot))
                if !proof.hashes.isEmpty {
                    variants.append(("last hash dropped", claim(m, n, proof.hashes.dropLast()), oldRoot, newRoot))
                }
                if m != n {
                    variants.append(("roots swapped", proof, newRoot, oldRoot))
                    variants.append(("sizes swapped", claim(n, m, proof.hashes), newRoot, oldRoot))
                    variants.append(("old size - 1 claimed", claim(m - 1, n, proof.hashes), reference.mth(0..<m - 1), newRoot))
                }
                // Claims at other sizes are checked against those sizes' true roots (see the inclusion
                // test): only the path can give them away.
                variants.append(("old size + 1 claimed", claim(m + 1, n, proof.hashes), reference.mth(0..<m + 1), newRoot))
                variants.append(("new size + 1 claimed", claim(m, n + 1, proof.hashes), oldRoot, reference.mth(0..<n + 1)))
                for (what, variant, old, new) in variants {
                    let error = logError { () throws(LogError) in try variant.verify(oldRoot: old, newRoot: new) }
                    #expect(error?.code == .invalidProof, "consistency \(m) -> \(n), \(what): verify gave \(String(describing: error))")
                }
            }
        }
    }

    @Test func proofsOutsideTheTreeAreRefusedAsOutOfRange() {
        let tree = Self.nodes.tree
        let size = Self.maxInclusionSize.u64
        let asked: [(String, () throws -> Void)] = [
            ("leaf at the size", { _ = try tree.inclusionProof(leafIndex: 5, treeSize: 5) }),
            ("size beyond the tree", { _ = try tree.inclusionProof(leafIndex: 0, treeSize: size + 1) }),
            ("consistency from 0", { _ = try tree.consistencyProof(from: 0, to: 5) }),
            ("consistency backwards", { _ = try tree.consistencyProof(from: 6, to: 5) }),
            ("consistency beyond the tree", { _ = try tree.consistencyProof(from: 1, to: size + 1) }),
        ]
        for (what, ask) in asked {
            let error = thrownLogError(ask)
            #expect(error?.code == .outOfRange, "\(what): \(String(describing: error))")
        }
    }
}

extension Int {
    /// As a tree size or index.
    var u64: UInt64 { UInt64(self) }
}
