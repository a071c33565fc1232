/// Who belongs to the Raft group: the voters, who elect leaders and form quorums, and the
/// learners, who only receive the log. Both lists are sorted and disjoint.
public struct Membership: Sendable, Hashable {
    /// The voting members, sorted.
    public private(set) var voters: [NodeID]
    /// The non-voting members, sorted; never also voters.
    public private(set) var learners: [NodeID]

    /// Creates a membership; duplicates are dropped, and a node listed in both lists is a voter.
    public init(voters: [NodeID], learners: [NodeID] = []) {
        let voterSet = Set(voters)
        self.voters = voterSet.sorted()
        self.learners = Set(learners).subtracting(voterSet).sorted()
    }

    /// Whether `node` is a voter or a learner.
    public func contains(_ node: NodeID) -> Bool {
        voters.contains(node) || learners.contains(node)
    }

    /// Voters and learners, sorted.
    public var members: [NodeID] { (voters + learners).sorted() }

    /// The membership after `change`, or nil when the change makes no sense here: adding a
    /// member, promoting a node that is not a learner, removing a non-member or the last voter.
    public func applying(_ change: ConfChange) -> Membership? {
        switch change {
        case .addLearner(let node):
            guard !node.isEmpty, !contains(node) else { return nil }
            return Membership(voters: voters, learners: learners + [node])
        case .promote(let node):
            guard learners.contains(node) else { return nil }
            return Membership(voters: voters + [node], learners: learners.filter { $0 != node })
        case .remove(let node):
            if learners.contains(node) {
                return Membership(voters: voters, learners: learners.filter { $0 != node })
            }
            guard voters.contains(node), voters.count > 1 else { return nil }
            return Membership(voters: voters.filter { $0 != node }, learners: learners)
        }
    }
}

extension Membership: CustomStringConvertible {
    /// `voters [n1, n2, n3] learners [n4]`.
    public var description: String { "voters \(voters) learners \(learners)" }
}
