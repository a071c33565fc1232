import BrakeRaft
import Testing

@Suite struct SafetyTests {
    /// §5.4.1: a log with more entries but an older last term is less up to date.
    @Test func longerLogWithOlderLastTermLosesTheElection() {
        var cluster = Cluster(["a", "b", "c"]) { $0.preVote = false }
        cluster.load("a", term: 2, log: [(1, 1), (2, 1), (3, 1), (4, 1)])
        cluster.load("b", term: 2, log: [(1, 1), (2, 2)])
        cluster.load("c", term: 2, log: [(1, 1), (2, 2)])
        cluster.campaign("a")
        #expect(cluster["a"].role != .leader)
        #expect(cluster["b"].vote == nil && cluster["c"].vote == nil)
        cluster.campaign("b")
        #expect(cluster.leaders == ["b"])
        cluster.tick(3)
        // a's extra entries of term 1 were never committed and are gone.
        #expect(cluster["a"].lastIndex == 3)
        #expect(cluster.disks["a"]!.entries.map(\.term) == [1, 2, cluster["b"].term])
    }

    /// A leader cut off from the majority cannot commit; the majority's new leader can.
    @Test func staleLeaderCannotCommit() throws {
        var cluster = Cluster(["a", "b", "c", "d", "e"])
        cluster.campaign("a")
        cluster.isolated = ["a"]
        let commitBefore = cluster["a"].commitIndex
        _ = try cluster.propose("a", "lost")
        #expect(cluster["a"].commitIndex == commitBefore)
        // The others elect a new leader once a's heartbeats have been missing for a while.
        cluster.tick(30, only: ["b", "c", "d", "e"])
        let leaders = cluster.leaders.filter { $0 != "a" }
        try #require(leaders.count == 1)
        _ = try cluster.propose(leaders[0], "kept")
        cluster.tick(2, only: ["b", "c", "d", "e"])
        #expect(cluster["a"].role == .leader)  // it does not know yet
        #expect(cluster["a"].commitIndex == commitBefore)
        cluster.isolated = []
        cluster.tick(5)
        #expect(cluster.leaders == leaders)
        for id in cluster.ids {
            #expect(cluster.appliedTexts(id) == ["kept"])
        }
    }

    /// Pre-vote: a node that was partitioned keeps its term while it times out, so on rejoining
    /// it cannot depose a stable leader. Without pre-vote and stickiness it does.
    @Test(arguments: [true, false])
    func rejoiningNodeDoesNotDisruptLeaderWithPreVote(preVote: Bool) {
        var cluster = Cluster(["a", "b", "c"]) {
            $0.preVote = preVote
            $0.checkQuorum = preVote
        }
        cluster.campaign("a")
        let term = cluster["a"].term
        cluster.isolated = ["c"]
        cluster.tick(60)
        cluster.isolated = []
        cluster.tick(10)
        if preVote {
            #expect(cluster["c"].term == term)
            #expect(cluster["a"].role == .leader)
            #expect(cluster["a"].term == term)
        } else {
            #expect(cluster["c"].term > term + 1)
            #expect(cluster["a"].term > term)
        }
    }

    @Test func checkQuorumMakesIsolatedLeaderStepDown() {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        #expect(cluster["a"].hasQuorumContact(withinTicks: 10))
        cluster.isolated = ["a"]
        cluster.tick(9, only: ["a"])
        #expect(cluster["a"].role == .leader)  // it heard from both during the first timeout
        cluster.tick(11, only: ["a"])
        #expect(cluster["a"].role == .follower)
        #expect(cluster["a"].leader == nil)
        #expect(!cluster["a"].hasQuorumContact(withinTicks: 10))
    }

    /// Leader stickiness: while followers hear from the leader, a node with a longer timeout
    /// cannot win votes even if it asks with a higher term.
    @Test func followersIgnoreVotesWhileTheyHearFromALeader() {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        let term = cluster["a"].term
        cluster.drops = { $0.from == "a" && $0.to == "c" }  // c alone stops hearing from a
        cluster.tick(40)
        #expect(cluster["a"].role == .leader)
        #expect(cluster["a"].term == term)
        #expect(cluster["c"].role != .leader)
    }

    /// Figure 8 (c): S1, leader of term 4, learns that S2 and S3 store its term-2 entry at
    /// index 2, a majority with itself. It must not count that as committed (§5.4.2): S5, whose
    /// last term is 3, could still win and overwrite index 2.
    @Test func oldTermEntryIsCommittedOnlyThroughCurrentTermEntry() {
        var cluster = figure8()
        cluster.acknowledgeIndex2()
        #expect(cluster["s1"].commitIndex == 1)
        // (e): once the term-4 no-op is on a majority, it commits index 2 with it.
        cluster.drops = { _ in false }
        cluster.tick(3)
        #expect(cluster["s1"].commitIndex == 3)
        #expect(cluster.applied["s2"]!.map(\.term) == [1, 2, 4])
    }

    /// The testing switch makes the core commit by counting replicas of an old-term entry; the
    /// Figure 8 continuation (d) then replaces an entry that S1 already applied.
    @Test func commitOldTermEntriesSwitchBreaksFigure8() {
        var cluster = figure8()
        cluster["s1"].testing.commitOldTermEntries = true
        cluster.acknowledgeIndex2()
        #expect(cluster["s1"].commitIndex == 2)
        #expect(cluster.applied["s1"]!.last.map { [$0.index, $0.term] } == [2, 2])
        // S1 crashes; the others restart; S5 wins with S2..S4 and overwrites index 2.
        cluster.crash("s1")
        cluster.drops = { _ in false }
        for id in ["s2", "s3", "s4", "s5"] { cluster.start(id, applied: cluster.appliedIndex[id]!) }
        cluster.campaign("s5")
        #expect(cluster.leaders == ["s5"])
        cluster.tick(3)
        #expect(cluster.applied["s2"]!.first { $0.index == 2 }?.term == 3)
    }

    /// Figure 8 with S1: [1, 2(t2)], S2, S3: [1, 2(t2)], S4: [1], S5: [1, 2(t3)]. S1 becomes
    /// leader of term 4; its appends (which carry the term-4 no-op) are lost until the test
    /// clears `drops`.
    func figure8() -> Cluster {
        var cluster = Cluster(["s1", "s2", "s3", "s4", "s5"])
        for id in ["s1", "s2", "s3"] { cluster.load(id, term: 3, commit: 1, log: [(1, 1), (2, 2)]) }
        cluster.load("s4", term: 3, commit: 1, log: [(1, 1)])
        cluster.load("s5", term: 3, commit: 1, log: [(1, 1), (2, 3)])
        cluster.drops = { message in
            if case .append = message.kind { return true }
            return false
        }
        cluster.campaign("s1")
        #expect(cluster.leaders == ["s1"] && cluster["s1"].term == 4)
        return cluster
    }
}

extension Cluster {
    /// S2 and S3 tell S1 (truthfully) that they store index 2.
    mutating func acknowledgeIndex2() {
        for peer in ["s2", "s3"] {
            self["s1"].step(RaftMessage(from: peer, to: "s1", term: 4, kind: .appendAccepted(matchIndex: 2)))
        }
        drain()
    }
}

@Suite struct VoteSwitchTests {
    /// The `grantVotesIgnoringLog` switch makes a voter elect a candidate that lacks entries.
    @Test(arguments: [false, true])
    func staleCandidateWinsOnlyWithTheSwitch(switchOn: Bool) {
        var cluster = Cluster(["a", "b", "c"]) { $0.preVote = false }
        cluster.load("a", term: 2, commit: 2, log: [(1, 1), (2, 2)])
        cluster.load("b", term: 2, commit: 1, log: [(1, 1)])
        cluster.load("c", term: 2, commit: 2, log: [(1, 1), (2, 2)])
        cluster["c"].testing.grantVotesIgnoringLog = switchOn
        cluster.isolated = ["a"]
        cluster.campaign("b")
        #expect((cluster["b"].role == .leader) == switchOn)
    }
}
