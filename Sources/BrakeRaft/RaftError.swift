/// Why the core refused a request. Each case has a stable `code` for logs and APIs and a
/// human `message`.
public enum RaftError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Only the leader accepts this request; `leader` is who to ask instead, if known.
    case notLeader(leader: NodeID?)
    /// A leadership transfer is running; proposals wait until it ends (at most an election timeout).
    case transferInProgress
    /// The proposal is larger than `RaftConfig.maxBatchBytes`.
    case proposalTooLarge
    /// The requested index is already folded into a snapshot.
    case compacted
    /// The request cannot be served now (unknown node, index not yet applied, no snapshot).
    case unavailable
    /// A membership change is in the log and not yet committed: one change at a time (thesis §4.1).
    case confChangePending
    /// This leader has not yet committed an entry of its own term, so it may not change the
    /// membership yet (the fix to thesis §4.1 of 2015).
    case termNotCommitted
    /// The membership change makes no sense against the current membership; `reason` says why.
    case invalidConfChange(reason: String)
    /// The proposal's data starts with the byte reserved for membership changes.
    case reservedData

    /// A stable machine-readable code.
    public var code: String {
        switch self {
        case .notLeader: "raft.not_leader"
        case .transferInProgress: "raft.transfer_in_progress"
        case .proposalTooLarge: "raft.proposal_too_large"
        case .compacted: "raft.compacted"
        case .unavailable: "raft.unavailable"
        case .confChangePending: "raft.conf_change_pending"
        case .termNotCommitted: "raft.term_not_committed"
        case .invalidConfChange: "raft.invalid_conf_change"
        case .reservedData: "raft.reserved_data"
        }
    }

    /// A message for humans.
    public var message: String {
        switch self {
        case .notLeader(let leader):
            if let leader { "this node is not the leader; the leader is \(leader)" } else { "this node is not the leader and knows no leader" }
        case .transferInProgress: "a leadership transfer is in progress"
        case .proposalTooLarge: "the proposal exceeds the maximum batch size"
        case .compacted: "the index is already compacted into a snapshot"
        case .unavailable: "the request cannot be served now"
        case .confChangePending: "a membership change is still uncommitted; one change at a time"
        case .termNotCommitted: "this leader has not yet committed an entry of its term; retry shortly"
        case .invalidConfChange(let reason): "invalid membership change: \(reason)"
        case .reservedData: "the proposal starts with the byte reserved for membership changes"
        }
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
