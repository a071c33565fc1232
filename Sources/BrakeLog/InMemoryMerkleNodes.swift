/// Every node hash of a tree, held in memory: the reader for tests, for `brakectl verify` recomputing an
/// exported log, and the model a stored implementation must agree with.
///
/// Node `(level, index)` is `levels[level][index]`; appends go through a `MerkleFrontier`, so it stores
/// exactly the nodes a store would, in the order a store would write them.
public struct InMemoryMerkleNodes: MerkleNodeReader, Sendable, Hashable {
    private var levels: [[MerkleHash]] = []
    /// The right edge, for appending and for the current root.
    public private(set) var frontier = MerkleFrontier()

    /// An empty tree.
    public init() {}

    /// A tree of these leaves' bytes, in order.
    public init(leaves: some Sequence<[UInt8]>) {
        for leaf in leaves {
            append(leafHash: MerkleHash.leaf(leaf))
        }
    }

    /// How many leaves it holds.
    public var size: UInt64 { frontier.size }

    /// The current tree: roots and proofs at any size up to `size`.
    public var tree: MerkleTree<InMemoryMerkleNodes> { MerkleTree(size: size, reader: self) }

    /// Appends a leaf by its hash and stores the nodes it completes.
    public mutating func append(leafHash: MerkleHash) {
        for node in frontier.append(leafHash: leafHash) {
            if levels.count == node.id.level {
                levels.append([])
            }
            precondition(
                UInt64(levels[node.id.level].count) == node.id.index,
                "node \(node.id) completed out of order: level holds \(levels[node.id.level].count)")
            levels[node.id.level].append(node.hash)
        }
    }

    /// The stored hash of a node; `missing_node` for one not complete yet.
    public func hash(of node: MerkleNodeID) throws -> MerkleHash {
        guard node.level < levels.count, node.index < UInt64(levels[node.level].count) else {
            throw LogError.missingNode(node)
        }
        return levels[node.level][Int(node.index)]
    }

    /// How many node hashes it stores: fewer than twice the leaves.
    public var nodeCount: Int { levels.reduce(0) { $0 + $1.count } }
}
