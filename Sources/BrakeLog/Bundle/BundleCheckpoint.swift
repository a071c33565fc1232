/// The checkpoint a bundle is exported at (`Specs/bundle.md` 2): the signed note that ties the
/// entries to what the federation's nodes cosigned, and the tree head it states.
public struct BundleCheckpoint: Sendable, Hashable {
    /// The C2SP signed note, cosigned by the nodes; nil when the node served none (an unsigned
    /// bundle, which `BundleVerifier` refuses).
    public var note: String?
    /// Leaves in the tree at the checkpoint: the bundle holds exactly these.
    public var size: UInt64
    /// The tree head at `size`.
    public var root: MerkleHash
    /// The node's applied index when the checkpoint was made: the replay ends there, so its
    /// registry digest is the one that node had then. Not signed; it only places the digest.
    public var appliedIndex: UInt64

    /// A checkpoint from its parts.
    public init(note: String?, size: UInt64, root: MerkleHash, appliedIndex: UInt64) {
        self.note = note
        self.size = size
        self.root = root
        self.appliedIndex = appliedIndex
    }
}
