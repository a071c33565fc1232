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
