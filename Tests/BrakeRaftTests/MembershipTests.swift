import BrakeRaft
import Testing

extension Cluster {
    /// Proposes a membership change on `id` and delivers until the network is quiet.
    @discardableResult
    mutating func change(_ id: NodeID, _ change: ConfChange) throws(RaftError) -> UInt64 {
        let index = try nodes[id]!.proposeConfChange(change).index
        deliver()
        return index
    }

    /// Each running node's membership, for assertions that every node agrees.
    func memberships(_ ids: [NodeID]) -> [Membership] {
        ids.map { nodes[$0]!.membership }
    }
}

/// One-server-at-a-time membership changes (thesis §4.1–4.3) on the pure core.
@Suite struct MembershipTests {
    @Test func confChangesRoundTripThroughEntryData() {
        for change in [ConfChange.addLearner("n4"), .promote("n4"), .remove("n-2")] {
            let entry = Entry(term: 1, index: 1, data: change.entryData)
            #expect(entry.confChange == change)
            #expect(entry.isConfEntry && !entry.isNoop)
        }
        #expect(Entry(term: 1, index: 1, data: Array("{\"a\":1}".utf8)).confChange == nil)
        #expect(Entry(term: 1, index: 1, data: []).confChange == nil)
        #expect(ConfChange(entryData: [0, 9, 65]) == nil)
        #expect(ConfChange(entryData: [0, 1]) == nil)
    }

    /// Application data can never pose as a conf entry.
    @Test func proposalsWithTheReservedByteAreRefused() {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        #expect(throws: RaftError.reservedData) { try cluster.propose("a", "\u{0}\u{1}d") }
        #expect(cluster["a"].membership == Membership(voters: ["a", "b", "c"]))
    }

    /// A learner receives the log but never campaigns and never counts for a quorum.
    @Test func learnerNeverCampaignsOrCounts() throws {
        var cluster = Cluster(["a", "b", "c", "d"], voters: ["a", "b", "c"])
        cluster.campaign("a")
        _ = try cluster.propose("a", "before")
        try cluster.change("a", .addLearner("d"))
        let expected = Membership(voters: ["a", "b", "c"], learners: ["d"])
        #expect(cluster.memberships(["a", "b", "c", "d"]) == Array(repeating: expected, count: 4))
        #expect(cluster.appliedTexts("d") == ["before"])  // it caught up from an empty log

        // Counts for no quorum: with both other voters cut off, the learner's ack commits nothing.
        cluster.isolated = ["b", "c"]
        let commit = cluster["a"].commitIndex
        _ = try cluster.propose("a", "needs a voter")
        #expect(cluster["d"].lastIndex == cluster["a"].lastIndex)
        #expect(cluster["a"].commitIndex == commit)

        // Never campaigns: the leader is gone and the learner's timer runs out many times over.
        cluster.crash("a")
        let term = cluster["d"].term
        cluster.tick(100, only: ["d"])
        #expect(cluster["d"].role == .follower && cluster["d"].term == term)
    }

    /// A learner's vote never elects anyone: a candidate counts only the voters of its own
    /// membership. (A learner does answer, since it may be a voter it has not heard of yet.)
    @Test func learnerVotesDoNotCount() {
        var config = RaftConfig(id: "b", voters: ["a", "b", "c"])
        config.learners = ["d"]
        config.preVote = false
        var b = RaftNode(config: config, hardState: HardState(), snapshot: nil, entries: [], applied: 0, random: SplitMix64(seed: 3))
        #expect(b.membership == Membership(voters: ["a", "b", "c"], learners: ["d"]))
        for _ in 0..<40 where b.role != .candidate { b.tick() }
        #expect(b.role == .candidate)
        let requests = b.ready().messages.filter { if case .vote = $0.kind { true } else { false } }
        #expect(requests.map(\.to) == ["a", "c"])  // learners are not asked
        b.step(RaftMessage(from: "d", to: "b", term: b.term, kind: .voteResponse(granted: true)))
        #expect(b.role == .candidate)
        b.step(RaftMessage(from: "c", to: "b", term: b.term, kind: .voteResponse(granted: true)))
        #expect(b.role == .leader)
    }

    /// The full path of a joining node, then a leaving one: add as learner, promote, remove.
    @Test func addLearnerPromoteRemove() throws {
        var cluster = Cluster(["a", "b", "c", "d"], voters: ["a", "b", "c"])
        cluster.campaign("a")
        try cluster.change("a", .addLearner("d"))
        try cluster.change("a", .promote("d"))
        let four = Membership(voters: ["a", "b", "c", "d"])
        #expect(cluster.memberships(["a", "b", "c", "d"]) == Array(repeating: four, count: 4))
        #expect(!cluster["a"].confChangePending)

        // Four voters: a quorum is three, so the leader and d alone commit nothing.
        cluster.isolated = ["b", "c"]
        let commit = cluster["a"].commitIndex
        _ = try cluster.propose("a", "x")
        #expect(cluster["a"].commitIndex == commit)
        cluster.isolated = []
        cluster.tick(3)
        #expect(cluster["a"].commitIndex == cluster["a"].lastIndex)

        try cluster.change("a", .remove("c"))
        let three = Membership(voters: ["a", "b", "d"])
        #expect(cluster.memberships(["a", "b", "c", "d"]) == Array(repeating: three, count: 4))
        // Three voters again: a and d now form a quorum without b, and c is not asked.
        cluster.isolated = ["b", "c"]
        _ = try cluster.propose("a", "y")
        #expect(cluster["a"].commitIndex == cluster["a"].lastIndex)
        #expect(cluster.appliedTexts("d") == ["x", "y"])
        // The removed node knows it was removed, so it never campaigns.
        cluster.isolated = []
        cluster.crash("a")
        let term = cluster["c"].term
        cluster.tick(100, only: ["c"])
        #expect(cluster["c"].role == .follower && cluster["c"].term == term)
    }

    /// A leader that removes itself leads until the change commits, then steps down, and one of
    /// the remaining voters takes over; it never campaigns again.
    @Test func leaderRemovingItselfStepsDownAfterCommit() throws {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        cluster.isolated = ["b", "c"]
        let index = try cluster.change("a", .remove("a"))
        #expect(cluster["a"].role == .leader)  // uncommitted: still leading
        #expect(cluster["a"].voters == ["b", "c"])
        cluster.isolated = []
        cluster.tick(3)
        #expect(cluster["b"].commitIndex >= index)
        #expect(cluster["a"].role == .follower)
        #expect(cluster.leaders.count == 1 && cluster.leaders != ["a"])
        let newLeader = try #require(cluster.leaders.first)
        _ = try cluster.propose(newLeader, "after")
        #expect(cluster.appliedTexts("b") == ["after"] && cluster.appliedTexts("c") == ["after"])
        let term = cluster["a"].term
        cluster.tick(100, only: ["a"])
        #expect(cluster["a"].role == .follower && cluster["a"].term == term)
    }

    /// A configuration is in effect from append time; when a new leader overwrites the
    /// uncommitted conf entry, the previous configuration is in effect again.
    @Test func truncatedConfEntryRevertsTheMembership() {
        var b = RaftNode(
            config: RaftConfig(id: "b", voters: ["a", "b", "c"]), hardState: HardState(), snapshot: nil,
            entries: [], applied: 0, random: SplitMix64(seed: 2))
        let noop = Entry(term: 1, index: 1, data: [])
        let conf = Entry(term: 1, index: 2, data: ConfChange.addLearner("d").entryData)
        b.step(RaftMessage(from: "a", to: "b", term: 1, kind: .append(prevIndex: 0, prevTerm: 0, entries: [noop, conf], commit: 1)))
        #expect(b.membership == Membership(voters: ["a", "b", "c"], learners: ["d"]))
        #expect(b.commitIndex == 1)
        let other = Entry(term: 2, index: 2, data: [])
        b.step(RaftMessage(from: "c", to: "b", term: 2, kind: .append(prevIndex: 1, prevTerm: 1, entries: [other], commit: 2)))
        #expect(b.lastIndex == 2 && b.lastTerm == 2)
        #expect(b.membership == Membership(voters: ["a", "b", "c"]))
    }

    /// A node removed by a conf entry not yet committed is still a possible member: the entry may
    /// be overwritten by a leader elected without it (that node, perhaps).
    @Test func uncommittedRemovalKeepsThePossibleMember() {
        var b = RaftNode(
            config: RaftConfig(id: "b", voters: ["a", "b", "c"]), hardState: HardState(), snapshot: nil,
            entries: [], applied: 0, random: SplitMix64(seed: 2))
        let noop = Entry(term: 1, index: 1, data: [])
        let conf = Entry(term: 1, index: 2, data: ConfChange.remove("a").entryData)
        b.step(RaftMessage(from: "c", to: "b", term: 1, kind: .append(prevIndex: 0, prevTerm: 0, entries: [noop, conf], commit: 1)))
        #expect(b.membership == Membership(voters: ["b", "c"]))
        #expect(b.possibleMembers == ["a", "b", "c"])
        b.step(RaftMessage(from: "c", to: "b", term: 1, kind: .heartbeat(commit: 2, context: 0)))
        #expect(b.commitIndex == 2)
        #expect(b.possibleMembers == ["b", "c"])
    }

    /// One change at a time: a second is refused while the first is uncommitted.
    @Test func secondChangeIsRefusedWhileOneIsPending() throws {
        var cluster = Cluster(["a", "b", "c", "d", "e"], voters: ["a", "b", "c"])
        cluster.campaign("a")
        cluster.isolated = ["b", "c"]
        try cluster.change("a", .addLearner("d"))
        #expect(cluster["a"].confChangePending)
        #expect(throws: RaftError.confChangePending) { try cluster.change("a", .addLearner("e")) }
        #expect(throws: RaftError.confChangePending) { try cluster.change("a", .promote("d")) }
        cluster.isolated = []
        cluster.tick(3)
        #expect(!cluster["a"].confChangePending)
        try cluster.change("a", .addLearner("e"))
        #expect(cluster["a"].membership == Membership(voters: ["a", "b", "c"], learners: ["d", "e"]))
    }

    /// Changes that make no sense are refused with the reason, and change nothing.
    @Test func senselessChangesAreRefused() throws {
        var cluster = Cluster(["a", "b"], voters: ["a"])
        cluster.campaign("a")
        #expect(throws: RaftError.invalidConfChange(reason: "a is already a member")) { try cluster.change("a", .addLearner("a")) }
        #expect(throws: RaftError.invalidConfChange(reason: "b is not a learner")) { try cluster.change("a", .promote("b")) }
        #expect(throws: RaftError.invalidConfChange(reason: "b is not a member")) { try cluster.change("a", .remove("b")) }
        #expect(throws: RaftError.invalidConfChange(reason: "a is the last voter")) { try cluster.change("a", .remove("a")) }
        #expect(throws: RaftError.notLeader(leader: nil)) { try cluster.change("b", .addLearner("c")) }
        #expect(cluster["a"].membership == Membership(voters: ["a"]))
        #expect(cluster["a"].lastIndex == 1)  // only the leader's no-op
    }

    /// The fix to thesis §4.1: a new leader changes nothing before it has committed an entry
    /// of its own term.
    @Test func newLeaderWaitsForAnEntryOfItsTerm() throws {
        var cluster = Cluster(["a", "b", "c", "d"], voters: ["a", "b", "c"])
        cluster.drops = { if case .appendAccepted = $0.kind { return true } else { return false } }
        cluster.campaign("a")
        #expect(cluster["a"].role == .leader)
        #expect(throws: RaftError.termNotCommitted) { try cluster.change("a", .addLearner("d")) }
        cluster.drops = { _ in false }
        cluster.tick(3)
        #expect(cluster["a"].commitIndex == cluster["a"].lastIndex)
        try cluster.change("a", .addLearner("d"))
        #expect(cluster["d"].membership.learners == ["d"])
    }

    /// A restarted node rebuilds its membership from its log and from its snapshot; a learner
    /// that catches up from a snapshot learns the membership from the snapshot's metadata.
    @Test func restartAndSnapshotRestoreTheMembership() throws {
        var cluster = Cluster(["a", "b", "c", "d", "e", "f"], voters: ["a", "b", "c"])
        cluster.campaign("a")
        try cluster.change("a", .addLearner("d"))
        try cluster.change("a", .promote("d"))
        try cluster.change("a", .addLearner("f"))
        let expected = Membership(voters: ["a", "b", "c", "d"], learners: ["f"])

        // From the log: b's disk holds the conf entries, its configuration says three voters.
        cluster.crash("b")
        cluster.start("b", applied: 0)
        #expect(cluster["b"].membership == expected)

        // From a snapshot: the conf entries are all folded into it.
        let through = cluster["a"].commitIndex
        cluster.compact("a", through: through)
        let metadata = try #require(cluster["a"].snapshot?.metadata)
        #expect(metadata.voters == ["a", "b", "c", "d"] && metadata.learners == ["f"])
        #expect(cluster.disks["a"]!.entries.allSatisfy { !$0.isConfEntry })
        cluster.crash("a")
        cluster.start("a", applied: through)
        #expect(cluster["a"].membership == expected)

        // A learner added after compaction catches up from the snapshot and knows the group.
        cluster.tick(40)
        let leader = try #require(cluster.leaders.first)
        cluster.compact(leader, through: cluster[leader].commitIndex)
        try cluster.change(leader, .addLearner("e"))
        cluster.tick(4)
        #expect(cluster.disks["e"]?.snapshot != nil)
        #expect(cluster["e"].membership == Membership(voters: ["a", "b", "c", "d"], learners: ["e", "f"]))
        #expect(cluster["e"].lastIndex == cluster[leader].lastIndex)
    }
}
