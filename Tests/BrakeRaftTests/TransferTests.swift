import BrakeRaft
import Testing

@Suite struct TransferTests {
    /// The leader catches the target up, then the target campaigns at once and wins, even
    /// though every follower still hears from the old leader (stickiness is bypassed).
    @Test func leadershipMovesToACaughtUpTarget() throws {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        cluster.isolated = ["c"]
        _ = try cluster.propose("a", "before")
        let term = cluster["a"].term
        cluster.isolated = []
        try cluster["a"].transferLeadership(to: "c")
        #expect(throws: RaftError.transferInProgress) { try cluster["a"].propose([1]) }
        #expect(throws: RaftError.transferInProgress) { try cluster["a"].transferLeadership(to: "b") }
        cluster.deliver()
        #expect(cluster.leaders == ["c"])
        #expect(cluster["c"].term == term + 1)
        #expect(cluster["a"].leader == "c")
        _ = try cluster.propose("c", "after")
        cluster.tick(2)
        #expect(cluster.appliedTexts("a") == ["before", "after"])
    }

    @Test func transferIsAbortedAfterAnElectionTimeout() throws {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        cluster.isolated = ["c"]
        try cluster["a"].transferLeadership(to: "c")
        cluster.tick(10, only: ["a", "b"])
        #expect(cluster["a"].role == .leader)
        #expect(cluster["a"].transferTarget == nil)
        _ = try cluster.propose("a", "accepted again")
    }

    @Test func onlyTheLeaderTransfersAndOnlyToVoters() throws {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        #expect(throws: RaftError.notLeader(leader: "a")) { try cluster["b"].transferLeadership(to: "c") }
        #expect(throws: RaftError.unavailable) { try cluster["a"].transferLeadership(to: "z") }
        try cluster["a"].transferLeadership(to: "a")  // already there: nothing to do
        #expect(cluster["a"].transferTarget == nil)
    }
}
