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

    /// How many notes that wait for the node to apply their size are kept (`ahead`).
    static let aheadLimit = 256

    /// The log's origin: the federation id.
    let origin: String
    /// This node's id.
    let nodeID: NodeID
    /// This node's key name, `<federation>/<node>`.
    let keyName: String
    /// This node's checkpoint key; it signs a size only while the charter that judges that size pins
    /// this key for this node (`canSign`). Without one it gathers, checks and keeps evidence but
    /// signs nothing.
    let key: SigningKey?
    /// Which charter judges each size, known through `chainThrough` (`CheckpointCharters`: the rule
    /// the offline verifier follows).
    public internal(set) var charters: CheckpointCharters
    /// The tree size through which `charters` is known: the node's applied tree size, or for a node
    /// that lost its tree (a snapshot install) the size it had applied before.
    public internal(set) var chainThrough: UInt64

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
    /// Notes of sizes beyond `chainThrough`, as received: no one can tell yet which charter judges
    /// them, so they wait (proposals too) until the node has applied that far (`aheadLimit`).
    var ahead: [AheadNote] = []
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

    /// The book as stored. `charterChanges` are the registry's charter epochs after genesis (the
    /// entry index that made each, and the charter); `stored.charterSizes` says the tree size after
    /// each of those entries. A book whose tree is not known (or misses one of those sizes) judges
    /// nothing until its history is whole again.
    init(
        charter: Charter, nodeID: NodeID, key: SigningKey?, stored: StoredCheckpoints, charterChanges: [CharterEpoch],
        appliedNothing: Bool, testing: CheckpointTesting
    ) {
        origin = charter.federation
        self.nodeID = nodeID
        keyName = Cosignature.keyName(origin: charter.federation, node: nodeID)
        self.key = key
        tree = stored.tree ?? (appliedNothing ? MerkleFrontier() : nil)
        var charters = CheckpointCharters(genesis: charter)
        for epoch in charterChanges {
            guard let size = stored.charterSizes[epoch.index], charters.follow(epoch.charter, fromSize: size) else {
                tree = nil
                break
            }
        }
        self.charters = charters
        chainThrough = tree?.size ?? 0
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

    /// Whether this node may cosign a checkpoint of `size`: it holds a key, and the charter that
    /// judges the size lists it with that key (a node an amendment removed, or not yet added, or
    /// re-keyed to a key it does not hold, signs nothing there: its cosignature would not count).
    func canSign(size: UInt64) -> Bool {
        guard let key, size <= chainThrough else { return false }
        return charters.pins(key.publicKey, for: nodeID, judging: size)
    }

    /// The cosigners that count for a checkpoint of `size` (one the node can judge).
    func trusted(size: UInt64) -> [String: PublicKey] { charters.cosigners(judging: size) }

    /// The cosignatures that make a checkpoint of `size` final: a majority of its charter's nodes.
    public func quorum(size: UInt64) -> Int { charters.quorum(judging: size) }

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

    /// The node ids whose cosignatures are on `note`: its key names are `<federation>/<node>`.
    func nodes(of note: SignedCheckpoint) -> [NodeID] {
        let prefix = origin + "/"
        return note.cosignatures.compactMap { $0.keyName.hasPrefix(prefix) ? String($0.keyName.dropFirst(prefix.count)) : nil }
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

/// A note that arrived for a size beyond what the node can judge, kept as received.
struct AheadNote: Sendable {
    /// The note's checkpoint size.
    var size: UInt64
    /// The note's text.
    var text: String
    /// Whether it came as a proposal.
    var proposal: Bool
    /// The peer it came from.
    var sender: NodeID
}
