/// What a node currently is in the election protocol.
public enum RaftRole: String, Sendable, Hashable {
    /// Follows a leader (or waits for one); the state every node starts in.
    case follower
    /// Asks whether it could win an election, without bumping its term (pre-vote, thesis §9.6).
    case preCandidate
    /// Campaigns for votes in a new term.
    case candidate
    /// Accepts proposals and replicates the log.
    case leader
}
