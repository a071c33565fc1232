import BrakeRaft
import Testing

@Suite struct ElectionTests {
    @Test func singleVoterElectsItselfAndCommitsAtOnce() throws {
        var cluster = Cluster(["a"])
        cluster.tick(25)
        #expect(cluster["a"].role == .leader)
        var node = cluster["a"]
        _ = node.ready()
        let (index, term) = try node.propose(Array("x".utf8))
        let ready = node.ready()
        // Persist and apply in the same Ready: persisted first, then applied.
        #expect(ready.entries.map(\.index) == [index])
        #expect(ready.committedEntries.map(\.index) == [index])
        #expect(ready.hardState?.commit == index)
        #expect(term == node.term)
    }

    @Test func threeNodesElectOneLeaderAndReplicate() throws {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        #expect(cluster.leaders == ["a"])
        #expect(cluster["b"].leader == "a")
        _ = try cluster.propose("a", "hello")
        cluster.tick(3)
        for id in ["a", "b", "c"] {
            #expect(cluster.appliedTexts(id) == ["hello"])
        }
        #expect(throws: RaftError.notLeader(leader: "a")) { try cluster.propose("b", "nope") }
    }

    @Test func electionsHappenOnTheirOwnAndStayStable() {
        var cluster = Cluster(["a", "b", "c", "d", "e"])
        cluster.tick(40)
        #expect(cluster.leaders.count == 1)
        let leader = cluster.leaders[0]
        let term = cluster[leader].term
        cluster.tick(200)
        #expect(cluster.leaders == [leader])
        #expect(cluster[leader].term == term)
    }
}

/// A leader that dies drops its connections, and every follower hears of it at once
/// (`reportLeaderLost`). The survivors must then elect one leader in one round, without waiting out
/// an election timeout after a split vote.
@Suite struct LeaderLostTests {
    @Test(arguments: [["a", "b", "c"], ["a", "b", "c", "d", "e"]])
    func survivorsThatAllLoseTheLeaderElectOneInOneRound(ids: [NodeID]) throws {
        var cluster = Cluster(ids)
        cluster.campaign("a")
        _ = try cluster.propose("a", "before")
        cluster.tick(2)
        let term = cluster["b"].term
        cluster.crash("a")
        let survivors = Array(ids.dropFirst())
        for id in survivors { cluster[id].reportLeaderLost("a") }
        cluster.deliver()
        #expect(cluster.leaders == ["b"], "roles: \(survivors.map { "\($0)=\(cluster[$0].role)" })")
        #expect(cluster["b"].term == term + 1)
        _ = try cluster.propose("b", "after")
        cluster.tick(2)
        for id in survivors { #expect(cluster.appliedTexts(id) == ["before", "after"]) }
    }

    /// A follower that alone lost its link to a live leader still cannot depose it: the others
    /// hear from the leader and refuse the pre-vote.
    @Test func oneFollowerLosingItsLinkDoesNotDeposeTheLeader() throws {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        cluster.tick(2)
        let term = cluster["a"].term
        cluster["c"].reportLeaderLost("a")
        cluster.deliver()
        cluster.tick(2)
        #expect(cluster.leaders == ["a"])
        #expect(cluster["a"].term == term)
    }
}
