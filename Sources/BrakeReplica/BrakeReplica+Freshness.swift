import BrakeRaft

/// Freshness: whether this node may answer `check` from its own applied state.
///
/// A node is fresh when it can show contact with a quorum within `max-staleness`, measured on the
/// monotonic clock at the moment of the check. A leader dates each peer's contact by the send
/// time of the heartbeat the peer acknowledged; a follower probes its leader and dates the answer
/// by the send time of its own probe, minus how long before answering the leader last heard from a
/// quorum, and requires having applied through the leader's commit index of that moment. Every
/// contact is dated by when a message left this node, never by when an answer arrived, so
/// messages that sat in a buffer while the node was stopped (SIGSTOP, a VM pause) cannot make it
/// look fresh: after it resumes it answers `unknown` until it has heard from a quorum again.
extension BrakeReplica {
    /// Whether this node can answer a local read with staleness at most `maxStalenessMillis`,
    /// at monotonic time `monotonic` (read by the shell at the moment of the check).
    public func isFresh(maxStalenessMillis: Int64, at monotonic: Int64) -> Bool {
        readBasis().isFresh(maxStalenessMillis: maxStalenessMillis, at: monotonic)
    }

    /// What a reader outside the driver needs to judge freshness later: the contact that proves
    /// this node current as of now. The shell publishes it after every batch, so `check` never
    /// waits for the driver; a driver that stops publishing makes the basis age, and `check`
    /// answers `unknown` once it is older than the staleness bound.
    public func readBasis() -> ReadBasis {
        ReadBasis(contact: currentContact(), halted: halted)
    }

    /// The monotonic time of the latest contact with a quorum that this node's applied state
    /// reflects, or nil when it has none.
    func currentContact() -> Int64? {
        // While the registry loads, the check index answers through `checkBasisIndex`.
        let applied = checkBasisIndex
        guard halted == nil, applied >= raft.commitIndex else { return nil }
        switch raft.role {
        case .leader:
            return quorumContact(at: now.monotonic)
        case .follower:
            guard let contact = leaderContact, contact.term == raft.term, raft.leader != nil,
                  applied >= contact.commit else { return nil }
            return contact.at
        case .preCandidate, .candidate:
            return nil
        }
    }

    /// A leader's latest time by which a quorum (itself included, at `t`) had acknowledged it.
    func quorumContact(at t: Int64) -> Int64? {
        guard raft.role == .leader else { return nil }
        let quorum = raft.voters.count / 2 + 1
        var times = [t]
        for voter in raft.voters where voter != nodeID {
            if let heard = lastHeard[voter], heard.term == raft.term { times.append(heard.at) }
        }
        guard times.count >= quorum else { return nil }
        times.sort(by: >)
        return times[quorum - 1]
    }

    /// Records what a Raft message from a peer says about contact: a heartbeat response dates
    /// the peer's acknowledgement by the heartbeat's send time.
    mutating func noteContact(_ message: RaftMessage) {
        guard raft.role == .leader, message.term == raft.term,
              case .heartbeatResponse(let context) = message.kind,
              let sentAt = heartbeatSentAt[context] else { return }
        if let heard = lastHeard[message.from], heard.term == raft.term, heard.at >= sentAt { return }
        lastHeard[message.from] = (raft.term, sentAt)
    }

    /// Remembers when each heartbeat round left, so acknowledgements can be dated by it.
    mutating func noteHeartbeatsSent(_ messages: [RaftMessage]) {
        for message in messages {
            if case .heartbeat(_, let context) = message.kind, heartbeatSentAt[context] == nil {
                heartbeatSentAt[context] = now.monotonic
            }
        }
        // Rounds older than a few election timeouts can no longer make anyone fresh.
        if heartbeatSentAt.count > 64 {
            let horizon = now.monotonic - Int64(config.tickMillis * config.electionTicks * 4)
            heartbeatSentAt = heartbeatSentAt.filter { $0.value >= horizon }
        }
    }

    /// A follower asks its leader for a freshness echo once per heartbeat interval.
    mutating func probeLeader() {
        guard raft.role == .follower, let leader = raft.leader, leader != nodeID else { return }
        let interval = Int64(config.tickMillis * max(config.heartbeatTicks, 1))
        if let last = lastProbeAt, now.monotonic - last < interval { return }
        lastProbeAt = now.monotonic
        pending.messages.append(PeerMessage(from: nodeID, to: leader, body: .freshnessProbe(sentAt: now.monotonic)))
    }

    /// A leader answers a probe at once with its quorum age and commit index.
    mutating func answerProbe(sentAt: Int64, from peer: NodeID) {
        guard raft.role == .leader else { return }
        let age = quorumContact(at: now.monotonic).map { UInt64(max(0, now.monotonic - $0)) }
        pending.messages.append(PeerMessage(
            from: nodeID, to: peer,
            body: .freshnessEcho(sentAt: sentAt, quorumAgeMillis: age, commitIndex: raft.commitIndex)))
    }

    /// A follower dates its leader's quorum by its own probe's send time.
    mutating func receiveEcho(sentAt: Int64, quorumAgeMillis: UInt64?, commitIndex: UInt64, from peer: NodeID) {
        guard raft.role == .follower, raft.leader == peer, let age = quorumAgeMillis,
              sentAt <= now.monotonic, age <= UInt64(Int64.max / 2) else { return }
        let at = sentAt - Int64(age)
        if let contact = leaderContact, contact.term == raft.term, contact.at >= at { return }
        leaderContact = (raft.term, at, commitIndex)
    }
}

/// Freshness as of one moment of the core: whether a local read at a later monotonic time is
/// within its staleness bound.
public struct ReadBasis: Sendable, Hashable {
    /// The monotonic time of the quorum contact the applied state reflects; nil when none.
    public var contact: Int64?
    /// Why the node halted, if it did.
    public var halted: String?

    /// A basis with no contact: every local read answers `unknown`.
    public static let none = ReadBasis(contact: nil, halted: nil)

    /// Whether a read at monotonic time `monotonic` may be served with staleness at most
    /// `maxStalenessMillis`.
    public func isFresh(maxStalenessMillis: Int64, at monotonic: Int64) -> Bool {
        guard halted == nil, let contact else { return false }
        return max(monotonic, contact) - contact <= maxStalenessMillis
    }
}
