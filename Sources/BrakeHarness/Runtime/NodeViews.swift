// What the harness reads from a node's local API: the fields it needs, decoded leniently.

import BrakeCore

/// What the harness reads from `/v1/status`; fields a node does not send are nil.
public struct NodeStatusView: Codable, Sendable, Hashable {
    /// The node id.
    public var node: String?
    /// The owning party.
    public var party: String?
    /// The Raft term the node is in.
    public var term: UInt64?
    /// `leader`, `follower`, `candidate` or `preCandidate`.
    public var role: String?
    /// The leader the node knows of, if any.
    public var leader: String?
    /// The highest entry the node knows is committed.
    public var commitIndex: UInt64?
    /// The highest entry the node applied to its registry.
    public var appliedIndex: UInt64?
    /// Raft's voters as the node's log has them.
    public var voters: [String]?
    /// Raft's learners (nodes catching up before they vote).
    public var learners: [String]?
    /// The last entry in the node's log, committed or not.
    public var lastIndex: UInt64?
    /// Whether the node heard from a quorum recently (its local checks answer).
    public var fresh: Bool?
    /// Why the node stopped writing, if its storage failed.
    public var halted: String?
    /// A digest of the registry state, when the node reports one: equal digests, equal registries.
    public var registryDigest: String?
    /// The index of the node's latest snapshot (taken or installed); its log starts after it.
    public var snapshotIndex: UInt64?
    /// Appends the node refused because an entry was stamped beyond its clock plus the charter's skew.
    public var clockRefusedAppends: Int?
    /// Snapshots this process received from a leader and installed.
    public var snapshotsInstalled: Int?
    /// Declarations in the node's pending pool (valid, not yet committed).
    public var poolDeclarations: Int?
}

/// What the harness reads from `/v1/check`.
public struct CheckAnswer: Codable, Sendable, Hashable {
    /// `clear`, `paused` or `unknown`.
    public var verdict: String
    /// Why, for `unknown`.
    public var reason: String?
    /// Whether a `paused` verdict rests on a self-certifying trigger not yet committed.
    public var pending: Bool?
}

/// One committed entry as `/v1/log` shows it.
public struct LoggedEntry: Codable, Sendable, Hashable {
    /// The entry's index, from 1.
    public var index: UInt64
    /// The term of the leader that appended it.
    public var term: UInt64
    /// Whether it is a new leader's no-op.
    public var noop: Bool?
    /// The leader's timestamp, as the node shows it.
    public var time: String?
    /// The declaration's DSSE envelope; nil for a no-op.
    public var declaration: Envelope?

    /// Creates an entry (for histories built by hand).
    public init(index: UInt64, term: UInt64, time: String? = nil, declaration: Envelope?) {
        self.index = index
        self.term = term
        self.noop = declaration == nil
        self.time = time
        self.declaration = declaration
    }
}

/// A pause as `/v1/pauses` shows it: the fields the history checker needs.
public struct PauseSummary: Codable, Sendable, Hashable {
    /// The pause id: its trigger motion's id.
    public var id: String
    /// The scope it covers (and every scope under it).
    public var scope: String
    /// The entry that made the trigger pass.
    public var triggeredAt: UInt64
    /// The entry that made a lift pass, if one did.
    public var liftedAt: UInt64?
    /// The lift motion that ended it.
    public var liftedBy: String?

    /// Creates a summary (for histories built by hand).
    public init(id: String, scope: String, triggeredAt: UInt64, liftedAt: UInt64? = nil, liftedBy: String? = nil) {
        self.id = id
        self.scope = scope
        self.triggeredAt = triggeredAt
        self.liftedAt = liftedAt
        self.liftedBy = liftedBy
    }
}
