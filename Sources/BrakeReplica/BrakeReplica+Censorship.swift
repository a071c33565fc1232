import BrakeCore
import BrakeRaft

/// Evidence that a leader censors (Specs/gossip.md, "Censorship"): a valid declaration that has
/// waited in this node's pool longer than the charter's `maxPendingSeconds` while a leader
/// heartbeats raises an alarm naming the leader and the declaration. A follower with an alarm
/// stops deferring to that leader for a while and starts a pre-vote, so another node takes over
/// if a quorum (each holding the same evidence) agrees.
extension BrakeReplica {
    /// One alarm: `leader`, leading in `term`, has not committed `declaration` although this node
    /// has held it valid for `waitingMillis`.
    public struct CensorshipAlarm: Sendable, Hashable {
        /// The leader the evidence is against.
        public var leader: NodeID
        /// Its term.
        public var term: UInt64
        /// The declaration that waits.
        public var declaration: String
        /// How long this node has held it valid and uncommitted, when the alarm was raised.
        public var waitingMillis: Int64
    }

    /// What censorship detection remembers.
    struct CensorshipState: Sendable {
        /// The alarms in force, by declaration id.
        var alarms: [String: CensorshipAlarm] = [:]
        /// The leader this node stopped deferring to, its term, and until when (monotonic).
        var suspect: (leader: NodeID, term: UInt64, until: Int64)?
        /// When this node may next suspect the same leader in the same term: after a suspicion
        /// lapses the node follows again for a full bound, so a false alarm cannot keep it away.
        var rearmAt: Int64 = .min
        /// The leader this node follows, its term, and since when (monotonic): a declaration's
        /// wait counts from its arrival or from then, whichever is later, so a new leader gets the
        /// whole bound.
        var following: (leader: NodeID, term: UInt64, since: Int64)?
        /// Alarms raised since start.
        var raised = 0
    }

    /// The alarms in force, oldest declaration first.
    public var censorshipAlarms: [CensorshipAlarm] {
        censorship.alarms.values.sorted { ($0.waitingMillis, $0.declaration) > ($1.waitingMillis, $1.declaration) }
    }

    /// Alarms raised since start.
    public var censorshipAlarmsRaised: Int { censorship.raised }

    /// Once per tick: raise alarms for declarations waiting past the bound under a heartbeating
    /// leader, clear those that no longer hold, and act on them.
    mutating func checkCensorship() {
        let bound = registry.charter.pendingSeconds * 1_000
        guard raft.role == .follower, let leader = raft.leader, leader != nodeID else {
            // Leading: no alarm against itself. Campaigning: the alarms whose declarations still
            // wait stand, for status, until a leader is known again.
            censorship.alarms = raft.role == .leader ? [:] : censorship.alarms.filter { pool.entries[$0.key] != nil }
            return
        }
        if censorship.following.map({ $0.leader != leader || $0.term != raft.term }) ?? true {
            censorship.following = (leader, raft.term, now.monotonic)
        }
        let leaderSince = censorship.following?.since ?? now.monotonic
        var current: [String: CensorshipAlarm] = [:]
        for (id, entry) in pool.entries {
            guard let arrived = entry.waitingSince else { continue }
            let waiting = now.monotonic - max(arrived, leaderSince)
            guard waiting > bound else { continue }
            if let alarm = censorship.alarms[id], alarm.leader == leader, alarm.term == raft.term {
                current[id] = alarm
                continue
            }
            let alarm = CensorshipAlarm(leader: leader, term: raft.term, declaration: id, waitingMillis: now.monotonic - arrived)
            current[id] = alarm
            censorship.raised += 1
            pending.alarms.append(alarm)
        }
        censorship.alarms = current
        guard !current.isEmpty, now.monotonic >= censorship.rearmAt else { return }
        if let suspect = censorship.suspect, suspect.leader == leader, suspect.term == raft.term { return }
        // Two election timeouts: time for pre-votes and a vote among the nodes that agree.
        let span = Int64(config.tickMillis * config.electionTicks) * 2
        censorship.suspect = (leader, raft.term, now.monotonic + span)
        censorship.rearmAt = now.monotonic + span + bound
        raft.reportLeaderLost(leader)
    }

    /// Screens a Raft message against a suspicion: while this node suspects a leader of censoring,
    /// that leader's messages of its term are dropped, so its heartbeats no longer hold off this
    /// node's pre-vote or its grants of other nodes' pre-votes. The suspicion lapses after two
    /// election timeouts; the node then follows the leader again.
    mutating func admitsBySuspicion(_ message: RaftMessage, from sender: NodeID) -> Bool {
        guard let suspect = censorship.suspect else { return true }
        guard now.monotonic < suspect.until else {
            censorship.suspect = nil
            return true
        }
        return !(suspect.leader == sender && message.term <= suspect.term)
    }
}
