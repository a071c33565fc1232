import BrakeLog
import Testing

/// What a store backing the tree relies on: appends complete each node once, in order, never more
/// than 64 per leaf; the frontier reads back from stored nodes; and roots and proofs read O(log n)
/// nodes, at any size, including trees far larger than memory holds.
@Suite("Merkle storage layout")
struct MerkleStorageTests {
    /// Counts reads and answers for every complete node of a tree of `size` leaves without storing it:
    /// the leaves of each block of 2^30 share one hash (the block's number), so a node up to level 30
    /// is that hash raised through its levels, and the few nodes above are computed from their children
    /// and memoized. Every node is the hash of its two children, as in a real tree.
    final class SyntheticNodes: MerkleNodeReader {
        static let blockLevel = 30
        let size: UInt64
        var reads = 0
        private var memo: [MerkleNodeID: MerkleHash] = [:]
        init(size: UInt64) { self.size = size }

        func hash(of node: MerkleNodeID) throws -> MerkleHash {
            reads += 1
            guard node.completeAtSize <= size else { throw LogError.missingNode(node) }
            return compute(node)
        }

        private func compute(_ node: MerkleNodeID) -> MerkleHash {
            if let known = memo[node] { return known }
            var hash: MerkleHash
            if node.level <= Self.blockLevel {
                let block = node.firstLeaf >> UInt64(Self.blockLevel)
                hash = MerkleHash.leaf(Array("block \(block)".utf8))
                for _ in 0..<node.level { hash = MerkleHash.node(hash, hash) }
            } else {
                hash = MerkleHash.node(
                    compute(MerkleNodeID(level: node.level - 1, index: 2 * node.index)),
                    compute(MerkleNodeID(level: node.level - 1, index: 2 * node.index + 1)))
            }
            memo[node] = hash
            return hash
        }
    }

    /// Counts reads through to an in-memory tree.
    final class CountingReader: MerkleNodeReader {
        let nodes: InMemoryMerkleNodes
        var reads = 0
        init(_ nodes: InMemoryMerkleNodes) { self.nodes = nodes }
        func hash(of node: MerkleNodeID) throws -> MerkleHash {
            reads += 1
            return try nodes.hash(of: node)
        }
    }

    @Test func appendsCompleteEachNodeOnceAndInOrder() {
        var frontier = MerkleFrontier()
        var written: [MerkleNodeID] = []
        for i in 0..<1024 as Range<UInt64> {
            let completed = frontier.append(leafHash: MerkleHash.leaf(leafBytes(Int(i))))
            // Leaf i completes itself and one node per trailing one bit of i.
            #expect(completed.map(\.id) == (0...(~i).trailingZeroBitCount).map {
                MerkleNodeID(level: $0, index: i >> UInt64($0))
            }, "append of leaf \(i) completed \(completed.map(\.id))")
            #expect(completed.allSatisfy { $0.id.completeAtSize == i + 1 }, "leaf \(i): \(completed.map(\.id))")
            #expect(frontier.peaks.count == frontier.size.nonzeroBitCount)
            written += completed.map(\.id)
        }
        #expect(Set(written).count == written.count, "a node was completed twice")
        #expect(written.count == 2 * 1024 - 1)
    }

    @Test func theFrontierReadsBackFromStoredNodes() throws {
        var nodes = InMemoryMerkleNodes()
        for i in 0..<300 {
            let reader = CountingReader(nodes)
            let reopened = try MerkleFrontier(size: nodes.size, reading: reader)
            #expect(reopened == nodes.frontier, "frontier at size \(i) read back differs")
            #expect(reader.reads == i.nonzeroBitCount, "reopening size \(i) read \(reader.reads) nodes")
            nodes.append(leafHash: MerkleHash.leaf(leafBytes(i)))
        }
        #expect(throws: LogError.self) { try MerkleFrontier(size: 301, reading: nodes) }
    }

    @Test func proofsReadLogarithmicallyManyNodes() throws {
        var nodes = InMemoryMerkleNodes()
        for i in 0..<1000 { nodes.append(leafHash: MerkleHash.leaf(leafBytes(i))) }
        var worst = (inclusion: 0, consistency: 0)
        for n in stride(from: UInt64(1), through: 1000, by: 37) {
            let bound = 2 * (64 - n.leadingZeroBitCount)
            for m in 0..<n {
                let reader = CountingReader(nodes)
                let tree = MerkleTree(size: nodes.size, reader: reader)
                _ = try tree.inclusionProof(leafIndex: m, treeSize: n)
                let inclusionReads = reader.reads
                reader.reads = 0
                _ = try tree.consistencyProof(from: m + 1, to: n)
                #expect(inclusionReads <= bound, "inclusion \(m) in \(n): \(inclusionReads) reads, bound \(bound)")
                #expect(reader.reads <= bound, "consistency \(m + 1) -> \(n): \(reader.reads) reads, bound \(bound)")
                worst = (max(worst.inclusion, inclusionReads), max(worst.consistency, reader.reads))
            }
        }
        #expect(worst.inclusion > 0 && worst.consistency > 0)
    }

    @Test func proofsInAHugeTreeVerifyWithFewReads() throws {
        // A trillion leaves and a few sizes near it, with synthetic node hashes: the proofs must verify
        // against the roots the same nodes give, and read O(log n) nodes each.
        let sizes: [UInt64] = [1_000_000_000_000, 1_000_000_000_001, 1 << 40, (1 << 40) + 12_345]
        let reader = SyntheticNodes(size: sizes.max()!)
        let tree = MerkleTree(size: reader.size, reader: reader)
        for n in sizes {
            let root = try tree.root(atSize: n)
            for m in [0, 1, n / 3, n / 2, n - 2, n - 1] {
                reader.reads = 0
                let proof = try tree.inclusionProof(leafIndex: m, treeSize: n)
                #expect(reader.reads <= 2 * 41, "inclusion \(m) in \(n): \(reader.reads) reads")
                let leaf = try reader.hash(of: MerkleNodeID(level: 0, index: m))
                let error = logError { () throws(LogError) in try proof.verify(leafHash: leaf, root: root) }
                #expect(error == nil, "inclusion \(m) in \(n): \(String(describing: error))")

                let old = m + 1
                reader.reads = 0
                let consistency = try tree.consistencyProof(from: old, to: n)
                #expect(reader.reads <= 2 * 41, "consistency \(old) -> \(n): \(reader.reads) reads")
                let oldRoot = try tree.root(atSize: old)
                let consistencyError = logError { () throws(LogError) in try consistency.verify(oldRoot: oldRoot, newRoot: root) }
                #expect(consistencyError == nil, "consistency \(old) -> \(n): \(String(describing: consistencyError))")
            }
        }
    }

    @Test func aReaderMissingANodeIsReported() {
        var nodes = InMemoryMerkleNodes()
        for i in 0..<5 { nodes.append(leafHash: MerkleHash.leaf(leafBytes(i))) }
        // A tree claiming more leaves than its reader holds asks for nodes that are not there.
        let tree = MerkleTree(size: 8, reader: nodes)
        let error = thrownLogError { _ = try tree.inclusionProof(leafIndex: 0, treeSize: 8) }
        #expect(error?.code == .missingNode, "\(String(describing: error))")
    }
}
