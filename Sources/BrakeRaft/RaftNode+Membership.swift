/// Membership changes, one server at a time (Ongaro's thesis §4.1–4.3): a new server joins as
/// a learner, catches up, and is promoted; a voter or learner leaves with `remove`.
///
/// Each change is a conf entry that takes effect on every node as soon as it is in that node's
/// log. Two consecutive configurations differ by one voter, so any majority of one overlaps any
/// majority of the other, and no two leaders can be elected in one term across the change. That
/// holds only if changes do not overlap: a leader proposes one only when no other is uncommitted
/// in its log, and only after it has committed an entry of its own term (the fix published in
/// 2015 to the thesis's rule: without it, changes begun by two leaders in turn can lose a
/// committed entry).
extension RaftNode {
    /// Appends a membership change as a new entry of the current term and starts replicating
    /// it; it is in effect on this node at once. Returns the entry's index and term.
    ///
    /// Throws `notLeader` on a non-leader, `transferInProgress` during a leadership transfer,
    /// `termNotCommitted` until this leader has committed an entry of its term,
    /// `confChangePending` while an earlier change is uncommitted, and `invalidConfChange` for a
    /// change that makes no sense (adding a member, promoting a non-learner, removing a
    /// non-member or the last voter).
    @discardableResult
    public mutating func proposeConfChange(_ change: ConfChange) throws(RaftError) -> (index: UInt64, term: UInt64) {
        guard role == .leader else { throw .notLeader(leader: leader) }
        guard transferee == nil else { throw .transferInProgress }
        guard committedInCurrentTerm else { throw .termNotCommitted }
        guard !confChangePending else { throw .confChangePending }
        guard let next = membership.applying(change) else {
            throw .invalidConfChange(reason: Self.refusal(of: change, in: membership))
        }
        let entry = Entry(term: term, index: log.lastIndex + 1, data: change.entryData)
        appendAsLeader([entry])
        // Start replicating to a new learner at once; a removed node keeps its progress until
        // the change commits, so it learns it was removed and stops campaigning.
        for node in next.members where role == .leader && node != id && progress[node] == nil {
            progress[node] = Progress(next: entry.index)
            sendAppend(to: node, allowEmpty: true)
        }
        return (entry.index, entry.term)
    }

    /// Whether this node may start an election when its timer runs out: a voter of its
    /// membership, or a voter removed by a conf entry its log does not yet know committed. Until
    /// that entry commits, the group may still need the removed node to lead (thesis §4.2.2,
    /// Figure 4.6: the remaining voter of a two-voter group may be unable to win without the
    /// removed node's vote); its own vote does not count (`tallyWon`). A node that knows its
    /// removal committed, a learner and a node that never was a voter never campaign.
    var mayCampaign: Bool {
        isVoter || (confChangePending && log.memberships.beforeLatest.voters.contains(id))
    }

    /// Whether the last conf entry in the log is not yet committed.
    public var confChangePending: Bool {
        (log.memberships.latestChangeIndex ?? 0) > log.committed
    }

    static func refusal(of change: ConfChange, in membership: Membership) -> String {
        switch change {
        case .addLearner(let node):
            node.isEmpty ? "the node id is empty" : "\(node) is already a member"
        case .promote(let node):
            membership.voters.contains(node) ? "\(node) is already a voter" : "\(node) is not a learner"
        case .remove(let node):
            membership.contains(node) ? "\(node) is the last voter" : "\(node) is not a member"
        }
    }

    /// The nodes a leader replicates to: every member but itself, plus nodes removed by a
    /// change not yet committed. Sorted, so runs are deterministic.
    var replicationTargets: [NodeID] {
        progress.keys.sorted()
    }

    /// Counts `acknowledged` voters (the leader counts itself only while it is a voter, thesis
    /// §4.2.2) and says whether they form a quorum of the current voters.
    func quorumAcknowledges(_ acknowledged: (NodeID) -> Bool) -> Bool {
        voters.filter { $0 == id || acknowledged($0) }.count >= quorum
    }

    /// After a commit: once the latest conf entry is committed, a leader forgets the progress of
    /// nodes it removed, and a leader that removed itself steps down (thesis §4.2.2), first
    /// handing leadership to the most caught-up voter so the group need not wait out an
    /// election timeout.
    mutating func settleMembershipAfterCommit() {
        guard role == .leader, !confChangePending else { return }
        let members = Set(membership.members)
        for node in progress.keys where !members.contains(node) { progress[node] = nil }
        guard !isVoter else { return }
        broadcastAppend()
        let successor = voters.filter { progress[$0]?.match == log.lastIndex }.first
        if let successor { send(to: successor, .timeoutNow) }
        becomeFollower(term: term, leader: nil)
    }
}
