/// What the shell learns about the network and tells the core: a peer that cannot be reached, a
/// snapshot transfer's progress, a lost connection to the leader (etcd's `ReportUnreachable` and
/// `ReportSnapshot`, plus a fast election trigger).
extension RaftNode {
    /// How a snapshot transfer to a follower stands.
    public enum SnapshotReport: Sendable, Hashable {
        /// Chunks are still arriving at the follower: keep waiting instead of starting over.
        case inProgress
        /// The follower could not take the snapshot: probe again (which sends a new one).
        case failed
        /// The follower holds everything the snapshot covers (it installed it, or its log already
        /// had it): probe from the entry after it at once, without waiting for the retry timer.
        case finished
    }

    /// A message to `peer` could not be delivered (its outbox is full or its connection failed).
    /// A leader stops pipelining to it and probes one append at a time until it answers, so a
    /// dead link does not fill the inflight window with messages that will never arrive.
    public mutating func reportUnreachable(_ peer: NodeID) {
        guard role == .leader, peer != id, let pr = progress[peer], pr.state == .replicate else { return }
        progress[peer]?.becomeProbe()
    }

    /// The follower `peer` reported on the snapshot the leader is streaming to it. `inProgress`
    /// restarts the retry timer (a slow transfer is never restarted in a loop); `failed` falls
    /// back to probing; `finished` probes from the entry after the snapshot.
    public mutating func reportSnapshot(_ peer: NodeID, index: UInt64, _ report: SnapshotReport) {
        guard role == .leader, let pr = progress[peer], pr.state == .snapshot, pr.pendingSnapshot == index else { return }
        switch report {
        case .inProgress:
            progress[peer]?.snapshotSentTick = now
        case .failed:
            progress[peer]?.becomeProbe()
        case .finished:
            progress[peer]?.becomeProbe()
            sendAppend(to: peer, allowEmpty: true)
        }
    }

    /// This follower's connection to `peer` closed or reset. If `peer` is the leader, start a
    /// pre-vote now instead of waiting out the election timeout: a crashed leader is then
    /// replaced within a few round trips, and pre-vote keeps this safe when the leader is in fact
    /// alive, because followers that still hear from it refuse (leader stickiness).
    public mutating func reportLeaderLost(_ peer: NodeID) {
        guard role == .follower, leader == peer, mayCampaign, config.preVote else { return }
        electionElapsed = 0
        startPreCampaign()
    }
}
