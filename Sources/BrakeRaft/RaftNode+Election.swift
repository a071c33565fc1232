/// Leader election (§5.2) with pre-vote (thesis §9.6), leader stickiness and check-quorum
/// (thesis §6.2).
extension RaftNode {
    mutating func tickElection() {
        electionElapsed += 1
        if mayCampaign && electionElapsed >= randomizedElectionTimeout {
            electionElapsed = 0
            if config.preVote {
                startPreCampaign()
            } else {
                startCampaign(transfer: false)
            }
        }
    }

    /// Pre-vote: ask whether we could win in `term + 1` without touching our term or vote, so a
    /// node cut off from the group cannot inflate the term and depose a working leader.
    mutating func startPreCampaign() {
        role = .preCandidate
        leader = nil
        lastLeaderContact = nil
        resetElectionState()
        votes[id] = true
        if tallyWon() {
            startCampaign(transfer: false)
            return
        }
        for peer in voters where peer != id {
            send(to: peer, .preVote(lastIndex: log.lastIndex, lastTerm: log.lastTerm), term: term + 1)
        }
    }

    /// A real campaign: new term, vote for ourselves, request votes (§5.2).
    mutating func startCampaign(transfer: Bool) {
        term += 1
        vote = id
        role = .candidate
        leader = nil
        lastLeaderContact = nil
        resetElectionState()
        votes[id] = true
        if tallyWon() {
            becomeLeader()
            return
        }
        for peer in voters where peer != id {
            send(to: peer, .vote(lastIndex: log.lastIndex, lastTerm: log.lastTerm, transfer: transfer))
        }
    }

    /// Only the votes of current voters count; a learner's answer never does.
    func tallyWon() -> Bool {
        voters.filter { votes[$0] == true }.count >= quorum
    }

    func tallyLost() -> Bool {
        voters.filter { votes[$0] == false }.count >= quorum
    }

    /// Answers a vote or pre-vote request whose term is not behind ours.
    ///
    /// A learner answers too, as etcd's raft does: it may have been promoted by an entry that
    /// has not reached it yet, and if it refused, a group whose other voters are down could
    /// never elect a leader to tell it. Its vote counts only for a candidate whose own
    /// membership makes it a voter (`tallyWon`), so a learner's answer never elects anyone
    /// by itself; safety needs only that each node votes once per term.
    mutating func handleVoteRequest(_ message: RaftMessage, lastIndex: UInt64, lastTerm: UInt64, preVote: Bool) {
        let canVote =
            vote == message.from
            || (vote == nil && leader == nil)
            || (preVote && message.term > term)
        let upToDate = testing.grantVotesIgnoringLog || log.isUpToDate(lastIndex: lastIndex, lastTerm: lastTerm)
        if canVote && upToDate {
            if preVote {
                // Pre-candidates that lost the same leader at the same moment (its connections
                // dropped when it died) would all win their pre-votes and split the real vote. The
                // one with the larger id yields to a smaller id's pre-vote it would grant anyway,
                // so one real campaign follows. Pre-vote decides nothing about safety (§9.6); if
                // the smaller id cannot win, the election timeout still runs.
                if role == .preCandidate && message.from < id {
                    becomeFollower(term: term, leader: nil)
                }
                send(to: message.from, .preVoteResponse(granted: true), term: message.term)
            } else {
                vote = message.from
                electionElapsed = 0
                send(to: message.from, .voteResponse(granted: true))
            }
        } else {
            send(to: message.from, preVote ? .preVoteResponse(granted: false) : .voteResponse(granted: false))
        }
    }

    mutating func stepCandidate(_ message: RaftMessage) {
        switch message.kind {
        case .append, .heartbeat, .snapshot:
            // A leader exists in our term: we lost.
            becomeFollower(term: message.term, leader: message.from)
            stepFollower(message)
        case .preVoteResponse(let granted) where role == .preCandidate:
            votes[message.from] = granted
            if tallyWon() {
                startCampaign(transfer: false)
            } else if tallyLost() {
                becomeFollower(term: term, leader: nil)
            }
        case .voteResponse(let granted) where role == .candidate:
            votes[message.from] = granted
            if tallyWon() {
                becomeLeader()
            } else if tallyLost() {
                becomeFollower(term: term, leader: nil)
            }
        default:
            break
        }
    }

    mutating func becomeLeader() {
        role = .leader
        leader = id
        resetElectionState()
        lastLeaderContact = nil
        for peer in membership.members where peer != id {
            progress[peer] = Progress(next: log.lastIndex + 1)
        }
        // A no-op of the new term lets the leader commit entries of earlier terms (§5.4.2)
        // and serve reads (§6.4).
        appendAsLeader([Entry(term: term, index: log.lastIndex + 1, data: [])])
    }

    /// Check-quorum: a leader that has not heard from a quorum during the last election timeout
    /// steps down, so clients stop waiting on it and a new leader can be elected.
    mutating func checkQuorumActive() -> Bool {
        let active = quorumAcknowledges { progress[$0]?.recentActive == true }
        for peer in progress.keys { progress[peer]?.recentActive = false }
        return active
    }

    /// Whether this node has recent contact with the group: a leader heard from a quorum
    /// (itself included) within `withinTicks`; a follower heard from its leader within
    /// `withinTicks`. Candidates have no such contact. The shell uses it to bound the
    /// staleness of local reads.
    public func hasQuorumContact(withinTicks ticks: Int) -> Bool {
        let window = UInt64(max(ticks, 0))
        switch role {
        case .leader:
            return quorumAcknowledges { peer in
                guard let heard = progress[peer]?.lastHeardTick else { return false }
                return now - heard <= window
            }
        case .follower:
            guard leader != nil, let contact = lastLeaderContact else { return false }
            return now - contact <= window
        case .preCandidate, .candidate:
            return false
        }
    }

    /// Whether this leader holds a lease: a quorum acknowledged a heartbeat that it sent less than
    /// `electionTicks - leaseDriftTicks` ticks ago. No other node can become leader before the
    /// lease ends, because those followers ignore votes for an election timeout after hearing
    /// from us (stickiness) — provided no node's clock runs more than `leaseDriftTicks` per
    /// election timeout faster than ours (the bounded clock drift assumption of
    /// Specs/consensus.md). Requires `leaseReads` and check-quorum, and is void during a
    /// leadership transfer, whose forced election bypasses stickiness.
    public var leaseValid: Bool {
        guard role == .leader, config.leaseReads, config.checkQuorum, transferee == nil else { return false }
        let span = config.electionTicks - config.leaseDriftTicks
        guard span > 0 else { return false }
        return quorumAcknowledges { peer in
            guard let sent = progress[peer]?.ackedSentTick else { return false }
            return now - sent < UInt64(span)
        }
    }
}
