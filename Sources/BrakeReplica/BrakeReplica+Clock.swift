import BrakeCore
import BrakeRaft

/// Bounded time: a follower refuses entries stamped too far ahead of its own wall clock, and
/// treats the leader that sent them as faulty (Specs/time.md).
///
/// Entry stamps come from the leader's wall clock and the registry expires motions and ends
/// sunsets by them, so a leader whose clock runs ahead could age every open motion and pause out
/// early. Refusing such an append (never acknowledging it) keeps it from a quorum while a majority
/// of clocks is right; ignoring the leader for the rest of its term makes the followers time out,
/// elect another leader, and the leader's check-quorum depose it.
extension BrakeReplica {
    /// What this node refused from a leader whose stamps ran ahead of its clock.
    public struct ClockRefusal: Sendable, Hashable {
        /// The term of the leader's append this node refused.
        public var term: UInt64
        /// The highest stamp it refused, in milliseconds since the epoch.
        public var stamp: Millis
        /// This node's wall clock when it refused.
        public var wall: Millis
    }

    /// Screens a Raft message against this node's clock: false means drop it unseen.
    ///
    /// - An append carrying an entry whose stamp lies more than the charter's skew ahead of this
    ///   node's wall clock is dropped whole and never acknowledged. Entries without a stamp (no-ops)
    ///   pass. The sender is then distrusted: every message it sends in that term or an earlier one
    ///   is dropped, so its heartbeats no longer hold off this node's election timer, and this node
    ///   starts a pre-vote at once.
    /// - A (pre-)vote request from a distrusted node is dropped while the stamp it was refused for
    ///   still lies more than the skew ahead of this node's clock: its log may still hold those
    ///   entries, and it would stamp above them again if it led.
    mutating func admitsByClock(_ message: RaftMessage, from sender: NodeID) -> Bool {
        let limit = now.wall + registry.charter.clockSkewMillis
        if let refusal = clockRefusals[sender] {
            switch message.kind {
            case .preVote, .vote:
                if refusal.stamp > limit { return false }
            default:
                if message.term <= refusal.term { return false }
            }
        }
        guard case .append(_, _, let entries, _) = message.kind else { return true }
        var highest: Millis?
        for entry in entries {
            guard let stamp = LogRecord.stamp(of: entry.data), stamp > limit else { continue }
            highest = max(highest ?? stamp, stamp)
        }
        guard let highest else { return true }
        let previous = clockRefusals[sender]
        clockRefusals[sender] = ClockRefusal(
            term: max(message.term, previous?.term ?? 0), stamp: max(highest, previous?.stamp ?? highest), wall: now.wall)
        refusedAppends += 1
        // The leader is faulty for this term: look for another at once (its heartbeats are
        // dropped from now on, so the others stop deferring to it within an election timeout).
        raft.reportLeaderLost(sender)
        return false
    }
}
