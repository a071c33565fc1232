/// A node's identity in the Raft group. Brake uses the node ids pinned in the charter.
public typealias NodeID = String

/// One Raft log entry.
///
/// The core treats `data` as opaque bytes: the registry defines what they mean. An entry with
/// empty `data` is the no-op a new leader appends to commit entries of earlier terms (§5.4.2).
/// An entry whose data starts with `ConfChange.reservedByte` is a membership change
/// (`confChange`); the application treats both as no-ops for its own state.
public struct Entry: Sendable, Hashable {
    /// The leader's term when the entry was created.
    public var term: UInt64
    /// The entry's position in the log, starting at 1.
    public var index: UInt64
    /// Opaque payload; empty for a leader's no-op.
    public var data: [UInt8]

    /// Creates an entry.
    public init(term: UInt64, index: UInt64, data: [UInt8]) {
        self.term = term
        self.index = index
        self.data = data
    }

    /// Whether this is a leader's no-op entry.
    public var isNoop: Bool { data.isEmpty }

    /// Whether the data starts with the byte reserved for membership changes. Such an entry is
    /// never application data, even when it does not decode (`confChange` is then nil).
    public var isConfEntry: Bool { data.first == ConfChange.reservedByte }

    /// The membership change this entry carries; nil for normal entries and no-ops.
    public var confChange: ConfChange? { ConfChange(entryData: data) }
}

/// The state Raft must persist before it answers any message (Figure 2 of the Raft paper),
/// plus the commit index so a restarted node can re-apply without waiting for a leader.
public struct HardState: Sendable, Hashable {
    /// The latest term this node has seen.
    public var term: UInt64
    /// The candidate this node voted for in `term`, if any.
    public var vote: NodeID?
    /// The highest log index known to be committed.
    public var commit: UInt64

    /// Creates a hard state.
    public init(term: UInt64 = 0, vote: NodeID? = nil, commit: UInt64 = 0) {
        self.term = term
        self.vote = vote
        self.commit = commit
    }
}

/// Where a snapshot sits in the log: every entry up to `index` is folded into its data.
public struct SnapshotMetadata: Sendable, Hashable {
    /// The last log index the snapshot covers.
    public var index: UInt64
    /// The term of the entry at `index`.
    public var term: UInt64
    /// The voters of the group at `index`.
    public var voters: [NodeID]
    /// The learners of the group at `index` (empty in snapshots written before learners existed).
    public var learners: [NodeID]

    /// Creates snapshot metadata.
    public init(index: UInt64, term: UInt64, voters: [NodeID], learners: [NodeID] = []) {
        self.index = index
        self.term = term
        self.voters = voters
        self.learners = learners
    }

    /// Creates snapshot metadata with the membership in effect at `index`.
    public init(index: UInt64, term: UInt64, membership: Membership) {
        self.init(index: index, term: term, voters: membership.voters, learners: membership.learners)
    }

    /// The membership in effect at `index`.
    public var membership: Membership { Membership(voters: voters, learners: learners) }
}

/// A snapshot of the application state at an index, used for log compaction and to catch up
/// followers that fell behind the compacted log.
public struct Snapshot: Sendable, Hashable {
    /// Where the snapshot sits in the log.
    public var metadata: SnapshotMetadata
    /// The application's serialized state at `metadata.index`; opaque to Raft. Empty when the
    /// application took the snapshot without encoding its state (it keeps the state itself and
    /// produces the data only when a follower needs it, with `attachSnapshotData` or a new `compact`).
    public var data: [UInt8]

    /// Creates a snapshot.
    public init(metadata: SnapshotMetadata, data: [UInt8]) {
        self.metadata = metadata
        self.data = data
    }
}
