import BrakeCore
import BrakeLog
import BrakeRaft

/// What one node knows about checkpoints: its own Merkle tree as it applied it, the checkpoint it
/// cosigned last, the cosignatures it gathered, the latest final checkpoint, and the evidence it
/// found. `BrakeReplica+Checkpoints` makes the decisions over it (`Specs/log.md` 7.5).
public struct CheckpointBook: Sendable {
    /// How many recent tree sizes keep their root in memory, for checking checkpoints of sizes this
    /// node has already passed (a follower that applied ahead of the leader's proposal).
    static let recentRoots: UInt64 = 4_096
    /// How many checkpoint sizes keep their gathered cosignatures in memory.
    static let gatheredSizes = 64
    /// How many different roots of one size are kept (more is a node signing at random: the pairs
    /// already kept are evidence enough).
    static let rootsPerSize = 4

    /// The log's origin: the federation id.
    let origin: String
    /// This node's key name, `<federation>/<node>`.
    let keyName: String
    /// This node's checkpoint key; without one it gathers, checks and keeps evidence but signs nothing.
    let key: SigningKey?
    /// Every charter node's key name and checkpoint key.
    let trusted: [String: PublicKey]
    /// Key name to node id.
    let nodesByKeyName: [String: NodeID]
    /// Cosigners that make a checkpoint final: a majority of the charter's nodes.
    public let quorum: Int

    /// The node's own tree (nil when its history does not start at entry 1).
    var tree: MerkleFrontier?
    /// The root of the node's tree at each of the last `recentRoots` sizes.
    var roots: [UInt64: MerkleHash] = [:]
    /// The checkpoint this node cosigned last, with its own cosignature.
    public internal(set) var cosigned: SignedCheckpoint?
    /// The latest final checkpoint, with every cosignature gathered for it.
    public internal(set) var final: SignedCheckpoint?
    /// Verified cosignatures gathered, by size and root.
    var gathered: [UInt64: [MerkleHash: SignedCheckpoint]] = [:]
    /// A proposal for a size this node has not applied yet, checked when its tree gets there.
    var waiting: (note: SignedCheckpoint, proposer: NodeID)?
    /// The last checkpoint this node proposed as leader, and when (monotonic ms).
    var proposed: (size: UInt64, at: Int64)?
    /// Ids of the evidence found (stored or in the batch being written).
    public internal(set) var evidenceIDs: Set<String>
    /// Evidence found since start.
    public internal(set) var evidenceFound = 0
    /// Set when this node's own tree disagrees with a checkpoint it cosigned: it cosigns nothing more.
    public internal(set) var diverged: String?
    /// The test-only fork switch, until the next leaf takes it.
    var forkAtNextLeaf: Bool

    init(charter: Charter, nodeID: NodeID, key: SigningKey?, stored: StoredCheckpoints, appliedNothing: Bool, testing: CheckpointTesting) {
        let keyName = Cosignature.keyName(origin: charter.federation, node: nodeID)
        let trusted = SignedCheckpoint.cosigners(of: charter)
        origin = charter.federation
        self.keyName = keyName
        self.trusted = trusted
        nodesByKeyName = Dictionary(uniqueKeysWithValues: charter.nodes.map { (Cosignature.keyName(origin: charter.federation, node: $0.id), $0.id) })
        quorum = SignedCheckpoint.quorum(of: charter)
        // A key that is not the one the charter pins for this node would sign what no one accepts.
        self.key = key.flatMap { trusted[keyName] == $0.publicKey ? $0 : nil }
        tree = stored.tree ?? (appliedNothing ? MerkleFrontier() : nil)
        cosigned = stored.cosigned
        final = stored.final
        evidenceIDs = stored.evidenceIDs
        forkAtNextLeaf = testing.forkAtNextLeaf
        if let tree, tree.size > 0 { roots[tree.size] = tree.root }
        if let cosigned, let root = stored.rootAtCosignedSize {
            roots[cosigned.checkpoint.size] = roots[cosigned.checkpoint.size] ?? root
            if root != cosigned.checkpoint.root {
                diverged = "this node's tree has root \(root.hex) at size \(cosigned.checkpoint.size), but it cosigned \(cosigned.checkpoint.root.hex)"
            }
        }
        for note in [cosigned, final].compactMap({ $0 }) { remember(note) }
    }

    /// The tree size this node has applied, or nil when it cannot tell its tree.
    public var treeSize: UInt64? { tree?.size }

    /// The root of this node's tree at `size`, when it knows it.
    func root(atSize size: UInt64) -> MerkleHash? {
        roots[size]
    }

    /// The root of this node's own tree at `size`, when it is one of the recent sizes it knows.
    public func ownRoot(atSize size: UInt64) -> MerkleHash? { roots[size] }

    /// Appends a leaf to the node's tree and remembers the new root.
    mutating func appendLeaf(_ hash: MerkleHash) {
        guard tree != nil else { return }
        _ = tree!.append(leafHash: hash)
        let size = tree!.size
        roots[size] = tree!.root
        if size > Self.recentRoots { roots[size - Self.recentRoots] = nil }
    }

    /// The node ids whose cosignatures are on `note`.
    func nodes(of note: SignedCheckpoint) -> [NodeID] {
        note.cosignatures.compactMap { nodesByKeyName[$0.keyName] }
    }

    /// The gathered note for `checkpoint`, or the checkpoint with no cosignature.
    func gatheredNote(_ checkpoint: Checkpoint) -> SignedCheckpoint {
        gathered[checkpoint.size]?[checkpoint.root] ?? SignedCheckpoint(checkpoint: checkpoint)
    }

    /// Adds a note's cosignatures to those gathered for its checkpoint; returns the merged note.
    @discardableResult
    mutating func remember(_ note: SignedCheckpoint) -> SignedCheckpoint {
        let size = note.checkpoint.size
        var byRoot = gathered[size] ?? [:]
        guard byRoot[note.checkpoint.root] != nil || byRoot.count < Self.rootsPerSize else { return note }
        var merged = byRoot[note.checkpoint.root] ?? SignedCheckpoint(checkpoint: note.checkpoint)
        for cosignature in note.cosignatures { merged = merged.adding(cosignature) }
        byRoot[note.checkpoint.root] = merged
        gathered[size] = byRoot
        if gathered.count > Self.gatheredSizes, let smallest = gathered.keys.min() {
            gathered[smallest] = nil
        }
        return merged
    }
}
