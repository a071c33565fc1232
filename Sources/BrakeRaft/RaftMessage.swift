/// A message between two members of the group. The shell sends it over the wire as is; the
/// receiver feeds it to `RaftNode.step(_:)`. Messages may be lost, duplicated or reordered:
/// the core tolerates all three.
public struct RaftMessage: Sendable, Hashable {
    /// The sender.
    public var from: NodeID
    /// The receiver.
    public var to: NodeID
    /// The sender's term, except for pre-votes and granted pre-vote responses, which carry the
    /// term the pre-candidate would campaign in (its term + 1).
    public var term: UInt64
    /// What the message says.
    public var kind: Kind

    /// Creates a message.
    public init(from: NodeID, to: NodeID, term: UInt64, kind: Kind) {
        self.from = from
        self.to = to
        self.term = term
        self.kind = kind
    }

    /// The message kinds and their fields.
    public enum Kind: Sendable, Hashable {
        /// Pre-candidate → all: "would you vote for me in `term`?" Changes no state on the receiver.
        case preVote(lastIndex: UInt64, lastTerm: UInt64)
        /// Answer to `preVote`.
        case preVoteResponse(granted: Bool)
        /// Candidate → all: request a vote (§5.2). `transfer` is set when the campaign follows a
        /// `timeoutNow` from the leader, so voters bypass leader stickiness.
        case vote(lastIndex: UInt64, lastTerm: UInt64, transfer: Bool)
        /// Answer to `vote`.
        case voteResponse(granted: Bool)
        /// Leader → follower: append `entries` after (`prevIndex`, `prevTerm`), and learn the
        /// leader's commit index (§5.3). Empty `entries` probe or carry the commit index.
        case append(prevIndex: UInt64, prevTerm: UInt64, entries: [Entry], commit: UInt64)
        /// Follower → leader: the follower's log matches the leader's through `matchIndex` (sent
        /// only after the appended entries are durable).
        case appendAccepted(matchIndex: UInt64)
        /// Follower → leader: the follower has no entry (`rejectedIndex`, prevTerm). Fast
        /// backtracking hint: `conflictTerm` is the follower's term at `rejectedIndex` and
        /// `conflictIndex` the first index of that term in its log; if the follower's log is
        /// shorter, `conflictTerm` is 0 and `conflictIndex` is its last index + 1.
        case appendRejected(rejectedIndex: UInt64, conflictIndex: UInt64, conflictTerm: UInt64)
        /// Leader → follower: keeps the follower's election timer reset and carries the commit
        /// index (capped at what the follower is known to store) and a read `context`: the
        /// sequence number of this heartbeat round, used to confirm leadership for reads.
        case heartbeat(commit: UInt64, context: UInt64)
        /// Follower → leader: echoes the heartbeat's `context`.
        case heartbeatResponse(context: UInt64)
        /// Leader → follower: a snapshot, sent when the entries the follower needs are
        /// compacted. The follower answers with `appendAccepted`.
        case snapshot(Snapshot)
        /// Leader → transfer target: campaign now, skipping pre-vote (leadership transfer).
        case timeoutNow
        /// Follower → leader: a `readIndex` request forwarded on behalf of the follower's client.
        case readIndex(requestID: UInt64)
        /// Leader → follower: the confirmed read index for a forwarded request.
        case readIndexResponse(requestID: UInt64, index: UInt64)
    }
}

extension RaftMessage.Kind {
    /// Whether this kind replicates the log (append, heartbeat, snapshot). A node takes these
    /// from any sender, member or not: its log may not yet hold the conf entry that made the
    /// leader a member (thesis §4.1). The term rules still apply, and a node outside the
    /// membership never gets the votes to lead.
    public var replicatesLog: Bool {
        switch self {
        case .append, .heartbeat, .snapshot: true
        case .preVote, .preVoteResponse, .vote, .voteResponse, .appendAccepted, .appendRejected,
             .heartbeatResponse, .timeoutNow, .readIndex, .readIndexResponse:
            false
        }
    }
}
