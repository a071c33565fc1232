import BrakeCore
import BrakeLog

/// What checkpoint decisions ask the shell to make durable, part of `ReplicaReady`: written (and
/// fsynced) before the batch's messages leave the node, because a cosignature it sends must be one
/// it will still stand by after a crash (it never cosigns a smaller or different tree afterwards).
public struct CheckpointWrites: Sendable, Hashable {
    /// The checkpoint this node cosigned last (it replaces the stored one).
    public var cosigned: SignedCheckpoint?
    /// The latest final checkpoint with every cosignature gathered (it replaces the stored one).
    public var final: SignedCheckpoint?
    /// New evidence, to append: the store keeps the first record of an id and never overwrites it.
    public var evidence: [ForkEvidence] = []

    /// Nothing to write.
    public init() {}

    /// Whether there is nothing to write.
    public var isEmpty: Bool { cosigned == nil && final == nil && evidence.isEmpty }
}

/// What a node's store held about checkpoints at start, for `BrakeReplica.Stored`.
public struct StoredCheckpoints: Sendable {
    /// The node's own Merkle tree as stored (its frontier), or nil when its history does not start at
    /// entry 1 (it installed a snapshot): such a node cannot tell its roots, so it cosigns nothing.
    public var tree: MerkleFrontier?
    /// The stored tree's root at the size of `cosigned`, when the tree reaches it: the core checks at
    /// start that its tree still agrees with what it cosigned.
    public var rootAtCosignedSize: MerkleHash?
    /// The checkpoint this node cosigned last.
    public var cosigned: SignedCheckpoint?
    /// The latest final checkpoint.
    public var final: SignedCheckpoint?
    /// The ids of the evidence already stored.
    public var evidenceIDs: Set<String>
    /// For each entry that made a new charter current (the registry's charter epochs after genesis),
    /// the tree size right after that entry's leaf: from that size on, the new charter judges
    /// checkpoints (`CheckpointCharters`). The store has it in its history (the entry's leaf
    /// position, plus one), written with the entry, so it survives restarts with the registry.
    public var charterSizes: [UInt64: UInt64]

    /// Creates what a store held; the defaults are an empty store's (with `tree` nil, a replica that
    /// applied nothing starts from the empty tree).
    public init(
        tree: MerkleFrontier? = nil, rootAtCosignedSize: MerkleHash? = nil, cosigned: SignedCheckpoint? = nil,
        final: SignedCheckpoint? = nil, evidenceIDs: Set<String> = [], charterSizes: [UInt64: UInt64] = [:]
    ) {
        self.tree = tree
        self.rootAtCosignedSize = rootAtCosignedSize
        self.cosigned = cosigned
        self.final = final
        self.evidenceIDs = evidenceIDs
        self.charterSizes = charterSizes
    }
}

/// Deliberately wrong checkpoint behaviour, for tests only (never set in production).
public struct CheckpointTesting: Sendable, Hashable {
    /// Present a forked history: the next leaf this node applies gets a different hash in its own
    /// tree, so every root it computes from then on differs from the federation's, and it cosigns
    /// those. `braked` sets it from `BRAKE_TEST_FORK_CHECKPOINTS`.
    public var forkAtNextLeaf = false

    /// All switches off.
    public init(forkAtNextLeaf: Bool = false) {
        self.forkAtNextLeaf = forkAtNextLeaf
    }
}
