/// Leadership transfer (thesis §3.10).
extension RaftNode {
    /// Hands leadership to `target`: the leader stops accepting proposals, brings the target's
    /// log up to date, then tells it to campaign at once (`timeoutNow`). The transfer is
    /// abandoned if the target has not taken over within an election timeout.
    ///
    /// Throws `notLeader` on a non-leader, `unavailable` if `target` is not a voter, and
    /// `transferInProgress` if a transfer to another node is running. Transferring to itself
    /// or to the current target is a no-op.
    public mutating func transferLeadership(to target: NodeID) throws(RaftError) {
        guard role == .leader else { throw .notLeader(leader: leader) }
        guard voters.contains(target) else { throw .unavailable }
        if target == id || target == transferee { return }
        guard transferee == nil else { throw .transferInProgress }
        transferee = target
        electionElapsed = 0  // the transfer times out after one election timeout
        if progress[target]?.match == log.lastIndex {
            send(to: target, .timeoutNow)
        } else {
            sendAppend(to: target, allowEmpty: true)
        }
    }

    mutating func abortTransfer() {
        transferee = nil
        // The forced election may still be running: heartbeats acknowledged so far no longer
        // prove a lease.
        heartbeatSentTick = [:]
        for peer in progress.keys { progress[peer]?.ackedSentTick = nil }
    }
}
