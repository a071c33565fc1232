/// Read access to the stored node hashes of one tree, the seam between the pure tree and its storage.
///
/// `MerkleTree` asks only for nodes that are complete at the size it was given
/// (`node.completeAtSize <= size`), and at most O(log n) of them per root or proof. An implementation
/// answers from memory (`InMemoryMerkleNodes`) or from a store's read transaction; when a node it
/// should have is absent it throws `LogError.missingNode(_:)`, and any error of its own (a storage
/// failure) passes through the tree unchanged.
public protocol MerkleNodeReader {
    /// The hash of a complete node.
    func hash(of node: MerkleNodeID) throws -> MerkleHash
}
