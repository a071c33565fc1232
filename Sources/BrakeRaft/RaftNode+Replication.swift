/// Log replication (§5.3) with batching, pipelining and fast backtracking, and the commit rule
/// (§5.4.2).
extension RaftNode {
    mutating func tickLeader() {
        heartbeatElapsed += 1
        electionElapsed += 1
        if electionElapsed >= config.electionTicks {
            electionElapsed = 0
            if config.checkQuorum && !checkQuorumActive() {
                becomeFollower(term: term, leader: nil)
                return
            }
            if transferee != nil { abortTransfer() }
        }
        for peer in replicationTargets {
            // A snapshot that was never acknowledged is retried by probing again.
            if let pr = progress[peer], pr.state == .snapshot,
               now - pr.snapshotSentTick >= UInt64(max(config.electionTicks, 1)) {
                progress[peer]?.becomeProbe()
            }
        }
        // Forget heartbeat send times too old to matter for a lease.
        let horizon = UInt64(2 * max(config.electionTicks, 1))
        if now > horizon {
            heartbeatSentTick = heartbeatSentTick.filter { $0.value >= now - horizon }
        }
        if heartbeatElapsed >= config.heartbeatTicks {
            heartbeatElapsed = 0
            broadcastHeartbeat()
        }
    }

    /// Appends entries of the current term and replicates them. A single-voter group commits
    /// them at once: the `Ready` that carries them persists them before it applies them.
    mutating func appendAsLeader(_ entries: [Entry]) {
        log.append(entries)
        _ = maybeCommit()
        broadcastAppend()
        settleMembershipAfterCommit()
    }

    /// Sends every follower and learner what it lacks.
    mutating func broadcastAppend() {
        for peer in replicationTargets {
            _ = sendAppend(to: peer, allowEmpty: true)
        }
    }

    /// Sends the next batch to `peer` if its flow control allows; sends a snapshot instead if
    /// the entries it needs are compacted. Returns whether a message was sent.
    @discardableResult
    mutating func sendAppend(to peer: NodeID, allowEmpty: Bool) -> Bool {
        guard var pr = progress[peer], !pr.isPaused(maxInflight: max(config.maxInflightMessages, 1)) else { return false }
        defer { progress[peer] = pr }
        let prevIndex = pr.next - 1
        guard let prevTerm = log.term(at: prevIndex),
              let entries = log.slice(from: pr.next, maxEntries: config.maxBatchEntries, maxBytes: config.maxBatchBytes)
        else {
            guard let snap = log.snapshot else { return false }
            pr.becomeSnapshot(index: snap.metadata.index, tick: now)
            send(to: peer, .snapshot(snap))
            return true
        }
        if entries.isEmpty && !allowEmpty { return false }
        send(to: peer, .append(prevIndex: prevIndex, prevTerm: prevTerm, entries: entries, commit: log.committed))
        switch pr.state {
        case .replicate:
            if let last = entries.last {
                pr.next = last.index + 1
                pr.inflights.append(last.index)
            }
        case .probe:
            pr.probeSent = true
        case .snapshot:
            break
        }
        return true
    }

    mutating func broadcastHeartbeat() {
        heartbeatContext += 1
        heartbeatSentTick[heartbeatContext] = now
        for peer in replicationTargets {
            // Never tell a follower to commit past what it is known to store: its log beyond
            // `match` may still hold a stale suffix.
            let commit = min(progress[peer]?.match ?? 0, log.committed)
            send(to: peer, .heartbeat(commit: commit, context: heartbeatContext))
        }
    }

    /// Commits the highest index stored by a quorum, but only if it is of the current term
    /// (§5.4.2): an earlier-term entry is committed indirectly, through a later one. Only the
    /// voters count; the leader counts itself only while it is one (a leader that removed itself
    /// commits with the others' quorum, thesis §4.2.2).
    mutating func maybeCommit() -> Bool {
        let matches = voters.map { $0 == id ? log.lastIndex : (progress[$0]?.match ?? 0) }.sorted(by: >)
        guard matches.count >= quorum else { return false }
        let candidate = matches[quorum - 1]
        guard candidate > log.committed else { return false }
        guard testing.commitOldTermEntries || log.term(at: candidate) == term else { return false }
        log.commit(to: candidate)
        releaseReadsAwaitingCommit()
        return true
    }

    var committedInCurrentTerm: Bool {
        log.term(at: log.committed) == term
    }

    mutating func stepLeader(_ message: RaftMessage) {
        let peer = message.from
        guard progress[peer] != nil else { return }
        switch message.kind {
        case .appendAccepted(let matchIndex):
            markHeard(peer)
            handleAppendAccepted(from: peer, matchIndex: matchIndex)
        case .appendRejected(let rejectedIndex, let conflictIndex, let conflictTerm):
            markHeard(peer)
            var hint = conflictIndex
            if conflictTerm > 0, let last = log.lastIndex(ofTerm: conflictTerm, atOrBelow: rejectedIndex) {
                hint = last + 1
            }
            if progress[peer]?.decrease(rejected: rejectedIndex, hint: hint) == true {
                sendAppend(to: peer, allowEmpty: true)
            }
        case .heartbeatResponse(let context):
            markHeard(peer)
            handleHeartbeatResponse(from: peer, context: context)
        case .readIndex(let requestID):
            handleReadRequest(requestID: requestID, from: peer)
        default:
            break
        }
    }

    mutating func markHeard(_ peer: NodeID) {
        progress[peer]?.recentActive = true
        progress[peer]?.lastHeardTick = now
    }

    mutating func handleAppendAccepted(from peer: NodeID, matchIndex: UInt64) {
        guard var pr = progress[peer], matchIndex <= log.lastIndex else { return }
        let wasPaused = pr.isPaused(maxInflight: max(config.maxInflightMessages, 1))
        guard pr.update(match: matchIndex) else {
            progress[peer] = pr
            return
        }
        switch pr.state {
        case .probe:
            pr.becomeReplicate()
        case .snapshot:
            if pr.match >= pr.pendingSnapshot { pr.becomeReplicate() }
        case .replicate:
            break
        }
        progress[peer] = pr
        if maybeCommit() {
            broadcastAppend()
        } else if wasPaused {
            sendAppend(to: peer, allowEmpty: true)
        }
        while sendAppend(to: peer, allowEmpty: false) {}
        if transferee == peer, pr.match == log.lastIndex {
            send(to: peer, .timeoutNow)
        }
        settleMembershipAfterCommit()
    }

    mutating func handleHeartbeatResponse(from peer: NodeID, context: UInt64) {
        guard var pr = progress[peer] else { return }
        switch pr.state {
        case .probe:
            pr.probeSent = false  // the probe may have been lost: send another
        case .replicate:
            // Appends may have been lost with the window full: free one slot so the next
            // append (rejected if there is a gap) gets the follower back on track.
            if pr.inflights.count >= max(config.maxInflightMessages, 1) { pr.inflights.removeFirst() }
        case .snapshot:
            break
        }
        if context > pr.ackedContext && context <= heartbeatContext {
            pr.ackedContext = context
            if let sent = heartbeatSentTick[context] { pr.ackedSentTick = sent }
        }
        progress[peer] = pr
        if pr.match < log.lastIndex {
            sendAppend(to: peer, allowEmpty: true)
        }
        completeConfirmedReads()
    }

    // MARK: Follower

    mutating func stepFollower(_ message: RaftMessage) {
        switch message.kind {
        case .append(let prevIndex, let prevTerm, let entries, let commit):
            heardFromLeader(message.from)
            handleAppend(from: message.from, prevIndex: prevIndex, prevTerm: prevTerm, entries: entries, commit: commit)
        case .heartbeat(let commit, let context):
            heardFromLeader(message.from)
            log.commit(to: min(commit, log.lastIndex))
            send(to: message.from, .heartbeatResponse(context: context))
        case .snapshot(let snap):
            heardFromLeader(message.from)
            handleSnapshot(from: message.from, snap)
        case .timeoutNow:
            // Leadership transfer: campaign at once, skipping pre-vote; voters bypass stickiness.
            if mayCampaign && leader == message.from {
                startCampaign(transfer: true)
            }
        case .readIndexResponse(let requestID, let index) where message.from == leader:
            readStates.append(ReadState(requestID: requestID, index: index))
        default:
            break
        }
    }

    mutating func heardFromLeader(_ peer: NodeID) {
        electionElapsed = 0
        leader = peer
        lastLeaderContact = now
    }

    mutating func handleAppend(from peer: NodeID, prevIndex: UInt64, prevTerm: UInt64, entries: [Entry], commit: UInt64) {
        if prevIndex < log.committed {
            // Everything through our commit index already matches the leader (§5.4.3).
            send(to: peer, .appendAccepted(matchIndex: log.committed))
            return
        }
        guard log.matchTerm(prevIndex, prevTerm) else {
            let conflictIndex: UInt64
            let conflictTerm: UInt64
            if prevIndex > log.lastIndex {
                conflictIndex = log.lastIndex + 1
                conflictTerm = 0
            } else {
                conflictTerm = log.term(at: prevIndex) ?? 0
                conflictIndex = log.firstIndex(ofTermAt: prevIndex)
            }
            send(to: peer, .appendRejected(rejectedIndex: prevIndex, conflictIndex: conflictIndex, conflictTerm: conflictTerm))
            return
        }
        guard entries.allSatisfy({ $0.term <= term }), log.appendFromLeader(after: prevIndex, entries) else { return }
        let lastNew = prevIndex + UInt64(entries.count)
        log.commit(to: min(commit, lastNew))
        send(to: peer, .appendAccepted(matchIndex: lastNew))
    }
}
