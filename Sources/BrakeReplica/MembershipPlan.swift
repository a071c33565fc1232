import BrakeRaft

/// How a leader brings Raft's membership to the charter's node set, one server at a time
/// (Specs/consensus.md): a pure function of what the leader knows, so the simulation and unit
/// tests drive exactly what `braked` does.
///
/// The order of the steps keeps the group as strong as it can while it changes:
/// 1. a learner the charter no longer lists is removed (it never voted: nothing to lose);
/// 2. a node the charter lists and Raft does not is added as a learner;
/// 3. a learner whose log is within `catchUpEntries` of the leader's is promoted to voter, so a
///    new voter never holds up commits while it copies the log — and only once every other
///    member reports (by gossip) that it applied the entry from which the charter lists it
///    (`listedSince`): a member hears messages (and its transport accepts a TLS key) only from
///    nodes its applied charter lists, so a member that had not applied that entry could not hear
///    the new node if it came to lead;
/// 4. a voter the charter dropped is removed, other nodes before the leader itself; when only the
///    leader is left to remove, the step is a leadership transfer to the most caught-up voter that
///    stays, and the new leader removes it. A voter is removed only while at least one voter the
///    charter keeps remains, so a charter that replaces every node waits for a promotion first.
///
/// Before any step, a voter the charter keeps that does not yet hold the entry that promoted it
/// (`promotedAt`) is waited for: a node votes only once its own log makes it a voter, so a change
/// that made the group depend on its vote (removing another voter) could otherwise leave no quorum
/// able to elect a leader if the leader failed.
///
/// Every step is in the charter's direction, so repeating the plan after each change (or after a
/// refused proposal, or a new leader) converges; it returns nil once Raft matches the charter.
public struct MembershipPlan: Sendable, Hashable {
    /// The node ids the charter lists now.
    public var target: Set<NodeID>
    /// Raft's membership, as the leader's log has it.
    public var membership: Membership
    /// The leader planning (this node).
    public var leader: NodeID
    /// The leader's last log index.
    public var lastIndex: UInt64
    /// The highest index each member is known to hold (the leader's match index for it).
    public var matchIndex: [NodeID: UInt64]
    /// How far behind the leader's last index a learner may be and still be promoted.
    public var catchUpEntries: UInt64
    /// For each node of the charter, the index of the entry from which the charter lists it
    /// without a break (0: since genesis).
    public var listedSince: [NodeID: UInt64]
    /// The applied index each member last reported (gossip's log heads).
    public var appliedIndex: [NodeID: UInt64]
    /// The index of the latest entry in the leader's log that promoted each node.
    public var promotedAt: [NodeID: UInt64]

    /// Creates a plan from what the leader knows.
    public init(
        target: Set<NodeID>, membership: Membership, leader: NodeID, lastIndex: UInt64,
        matchIndex: [NodeID: UInt64], catchUpEntries: UInt64, listedSince: [NodeID: UInt64] = [:],
        appliedIndex: [NodeID: UInt64] = [:], promotedAt: [NodeID: UInt64] = [:]
    ) {
        self.target = target
        self.membership = membership
        self.leader = leader
        self.lastIndex = lastIndex
        self.matchIndex = matchIndex
        self.catchUpEntries = catchUpEntries
        self.listedSince = listedSince
        self.appliedIndex = appliedIndex
        self.promotedAt = promotedAt
    }

    /// One step of the plan.
    public enum Step: Sendable, Hashable {
        /// Propose this membership change.
        case change(ConfChange)
        /// Hand leadership to this voter first: the leader itself is the voter to remove.
        case transferLeadership(to: NodeID)
    }

    /// Whether Raft's members are exactly the charter's nodes, all voting.
    public var isSettled: Bool {
        membership.learners.isEmpty && Set(membership.voters) == target
    }

    /// The next step towards the charter, or nil when there is none to take now (settled, or a
    /// learner still catching up with nothing else to do).
    public var next: Step? {
        let unaware = membership.voters.contains { voter in
            voter != leader && target.contains(voter) && (matchIndex[voter] ?? 0) < (promotedAt[voter] ?? 0)
        }
        guard !unaware else { return nil }
        let voters = Set(membership.voters)
        let learners = membership.learners
        if let dropped = learners.first(where: { !target.contains($0) }) {
            return .change(.remove(dropped))
        }
        if let missing = target.sorted().first(where: { !voters.contains($0) && !learners.contains($0) }) {
            return .change(.addLearner(missing))
        }
        if let ready = learners.first(where: { isCaughtUp($0) && othersHoldListing(of: $0) }) {
            return .change(.promote(ready))
        }
        let staying = membership.voters.filter { target.contains($0) }
        guard !staying.isEmpty else { return nil }
        let leaving = membership.voters.filter { !target.contains($0) }
        if let other = leaving.first(where: { $0 != leader }) {
            return .change(.remove(other))
        }
        guard leaving.contains(leader) else { return nil }
        let successor = staying.max { (matchIndex[$0] ?? 0, $1) < (matchIndex[$1] ?? 0, $0) }
        return successor.map { .transferLeadership(to: $0) }
    }

    /// Whether every member but `node` (and the leader, which applied it) reported applying the
    /// entry from which the charter lists `node`.
    func othersHoldListing(of node: NodeID) -> Bool {
        let since = listedSince[node] ?? 0
        return since == 0 || membership.members.allSatisfy { member in
            member == node || member == leader || (appliedIndex[member] ?? 0) >= since
        }
    }

    /// Whether `node` acknowledged entries and its log is within `catchUpEntries` of the leader's
    /// last index (a learner that never answered is not caught up, however short the log).
    func isCaughtUp(_ node: NodeID) -> Bool {
        guard let match = matchIndex[node], match > 0 else { return false }
        return match + catchUpEntries >= lastIndex
    }
}
