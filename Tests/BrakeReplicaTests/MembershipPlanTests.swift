import BrakeRaft
import BrakeReplica
import Testing

/// The leader's membership planner: one server at a time, learners first, promotion only when
/// caught up, removal of the leader itself by a transfer first.
@Suite("Membership plan")
struct MembershipPlanTests {
    static func plan(
        target: [NodeID], voters: [NodeID], learners: [NodeID] = [], leader: NodeID = "n1", last: UInt64 = 100,
        match: [NodeID: UInt64] = [:], listedSince: [NodeID: UInt64] = [:], applied: [NodeID: UInt64] = [:],
        promotedAt: [NodeID: UInt64] = [:]
    ) -> MembershipPlan {
        var known = match
        for node in voters + learners where known[node] == nil { known[node] = last }
        return MembershipPlan(
            target: Set(target), membership: Membership(voters: voters, learners: learners), leader: leader,
            lastIndex: last, matchIndex: known, catchUpEntries: 8, listedSince: listedSince, appliedIndex: applied, promotedAt: promotedAt)
    }

    @Test("a charter that matches the voters needs no step")
    func settled() {
        let p = Self.plan(target: ["n1", "n2", "n3"], voters: ["n1", "n2", "n3"])
        #expect(p.isSettled)
        #expect(p.next == nil)
    }

    @Test("adding a node: learner first, promoted once its log is within the bound")
    func addition() {
        #expect(Self.plan(target: ["n1", "n2", "n3", "n4"], voters: ["n1", "n2", "n3"]).next == .change(.addLearner("n4")))
        let behind = Self.plan(target: ["n1", "n2", "n3", "n4"], voters: ["n1", "n2", "n3"], learners: ["n4"], match: ["n4": 91])
        #expect(behind.next == nil)
        #expect(!behind.isSettled)
        let silent = Self.plan(target: ["n1", "n2", "n3", "n4"], voters: ["n1", "n2", "n3"], learners: ["n4"], last: 3, match: ["n4": 0])
        #expect(silent.next == nil)
        let close = Self.plan(target: ["n1", "n2", "n3", "n4"], voters: ["n1", "n2", "n3"], learners: ["n4"], match: ["n4": 92])
        #expect(close.next == .change(.promote("n4")))
    }

    @Test("a learner is promoted only once every other member applied the entry that listed it")
    func promotionWaitsForListing() {
        let lagging = Self.plan(
            target: ["n1", "n2", "n3", "n4"], voters: ["n1", "n2", "n3"], learners: ["n4"],
            listedSince: ["n4": 50], applied: ["n2": 60, "n3": 49])
        #expect(lagging.next == nil)
        let unknown = Self.plan(
            target: ["n1", "n2", "n3", "n4"], voters: ["n1", "n2", "n3"], learners: ["n4"],
            listedSince: ["n4": 50], applied: ["n2": 60])
        #expect(unknown.next == nil)
        let applied = Self.plan(
            target: ["n1", "n2", "n3", "n4"], voters: ["n1", "n2", "n3"], learners: ["n4"],
            listedSince: ["n4": 50], applied: ["n2": 60, "n3": 50])
        #expect(applied.next == .change(.promote("n4")))
    }

    @Test("no step while a promoted voter does not hold its own promotion yet")
    func promotionReachesThePromoted() {
        let unaware = Self.plan(target: ["n2", "n3", "n4"], voters: ["n1", "n2", "n3", "n4"], match: ["n4": 40], promotedAt: ["n4": 41])
        #expect(unaware.next == nil)
        let aware = Self.plan(target: ["n2", "n3", "n4"], voters: ["n1", "n2", "n3", "n4"], match: ["n4": 41], promotedAt: ["n4": 41])
        #expect(aware.next == .transferLeadership(to: "n2"))
        // A promoted voter the charter dropped holds nothing up: it is the one to remove.
        let dropped = Self.plan(target: ["n1", "n2", "n3"], voters: ["n1", "n2", "n3", "n4"], match: ["n4": 1], promotedAt: ["n4": 41])
        #expect(dropped.next == .change(.remove("n4")))
    }

    @Test("several new nodes are added one at a time, in id order")
    func oneAtATime() {
        #expect(Self.plan(target: ["n1", "n5", "n4"], voters: ["n1"]).next == .change(.addLearner("n4")))
        #expect(Self.plan(target: ["n1", "n5", "n4"], voters: ["n1"], learners: ["n4"], match: ["n4": 0]).next
            == .change(.addLearner("n5")))
    }

    @Test("a dropped voter is removed; a dropped learner before anything else")
    func removal() {
        #expect(Self.plan(target: ["n1", "n2"], voters: ["n1", "n2", "n3"]).next == .change(.remove("n3")))
        #expect(Self.plan(target: ["n1", "n2", "n3"], voters: ["n1", "n2", "n3"], learners: ["n9"]).next == .change(.remove("n9")))
    }

    @Test("a replacement adds and promotes the new node before it removes the old one")
    func replacement() {
        let target = ["n1", "n2", "n4"]
        #expect(Self.plan(target: target, voters: ["n1", "n2", "n3"]).next == .change(.addLearner("n4")))
        #expect(Self.plan(target: target, voters: ["n1", "n2", "n3"], learners: ["n4"]).next == .change(.promote("n4")))
        // A learner that does not catch up does not hold the removal up.
        #expect(Self.plan(target: target, voters: ["n1", "n2", "n3"], learners: ["n4"], match: ["n4": 1]).next
            == .change(.remove("n3")))
    }

    @Test("the leader the charter dropped hands leadership to the most caught-up voter that stays")
    func leaderRemoval() {
        let p = Self.plan(target: ["n2", "n3"], voters: ["n1", "n2", "n3"], match: ["n2": 90, "n3": 99])
        #expect(p.next == .transferLeadership(to: "n3"))
        // Other dropped voters go first.
        #expect(Self.plan(target: ["n2", "n3"], voters: ["n1", "n2", "n3", "n4"]).next == .change(.remove("n4")))
    }

    @Test("the last voters are never all removed: a charter that replaces every node waits for a promotion")
    func neverEmpty() {
        #expect(Self.plan(target: ["n7"], voters: ["n1"], learners: ["n7"], match: ["n7": 1]).next == nil)
        #expect(Self.plan(target: ["n7"], voters: ["n1"], learners: ["n7"]).next == .change(.promote("n7")))
        #expect(Self.plan(target: ["n7"], voters: ["n1", "n7"]).next == .transferLeadership(to: "n7"))
    }

    @Test("following the plan step by step reaches the charter from any start")
    func converges() {
        let starts: [(voters: [NodeID], learners: [NodeID])] = [
            (["n1", "n2", "n3"], []), (["n1"], ["n5"]), (["n1", "n2", "n3", "n4", "n5"], ["n6"]), (["n1", "n6"], []),
        ]
        for start in starts {
            var membership = Membership(voters: start.voters, learners: start.learners)
            var leader: NodeID = "n1"
            var steps = 0
            while steps < 20 {
                let plan = MembershipPlan(
                    target: ["n2", "n4", "n6"], membership: membership, leader: leader, lastIndex: 10,
                    matchIndex: Dictionary(uniqueKeysWithValues: membership.members.map { ($0, 10) }), catchUpEntries: 2)
                guard let step = plan.next else { break }
                switch step {
                case .change(let change):
                    guard let next = membership.applying(change) else {
                        Issue.record("the plan proposed \(change), which \(membership) refuses")
                        return
                    }
                    #expect(abs(next.voters.count - membership.voters.count) <= 1)
                    membership = next
                case .transferLeadership(let to):
                    #expect(membership.voters.contains(to))
                    leader = to
                }
                steps += 1
            }
            #expect(membership == Membership(voters: ["n2", "n4", "n6"]), "from \(start): \(membership)")
        }
    }
}
