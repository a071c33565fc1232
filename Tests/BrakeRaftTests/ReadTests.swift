import BrakeRaft
import Testing

@Suite struct ReadTests {
    /// ReadIndex: the leader answers with its commit index only after a quorum echoed a
    /// heartbeat sent after the request.
    @Test func readIndexWaitsForAHeartbeatQuorum() throws {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        _ = try cluster.propose("a", "x")
        let commit = cluster["a"].commitIndex
        cluster.isolated = ["b", "c"]
        cluster["a"].readIndex(requestID: 7)
        cluster.tick(3, only: ["a"])
        #expect(cluster.readStates["a", default: []].isEmpty)
        cluster.isolated = []
        cluster["a"].readIndex(requestID: 8)
        cluster.deliver()
        // 7's heartbeats were lost, but 8's round confirms leadership after 7 arrived too.
        #expect(cluster.readStates["a"] == [ReadState(requestID: 7, index: commit), ReadState(requestID: 8, index: commit)])
    }

    /// Reads that arrive between two `ready()` calls share one heartbeat round.
    @Test func readsShareAHeartbeatRound() {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        for id in 1...5 as ClosedRange<UInt64> { cluster["a"].readIndex(requestID: id) }
        let heartbeats = cluster["a"].ready().messages.filter {
            if case .heartbeat = $0.kind { return true }
            return false
        }
        #expect(heartbeats.count == 2)  // one per follower
        cluster.network.append(contentsOf: heartbeats)
        cluster.deliver()
        #expect(cluster.readStates["a"]?.map(\.requestID) == [1, 2, 3, 4, 5])
    }

    /// A follower forwards the request to the leader and gets the read state back.
    @Test func followerReadIsForwardedToTheLeader() {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        cluster["b"].readIndex(requestID: 42)
        cluster.deliver()
        #expect(cluster.readStates["b"] == [ReadState(requestID: 42, index: cluster["a"].commitIndex)])
    }

    /// §6.4 step 1: a new leader must commit an entry of its term (its no-op) before it knows
    /// the commit index is current.
    @Test func newLeaderAnswersOnlyAfterCommittingInItsTerm() {
        var cluster = Cluster(["a", "b", "c"])
        cluster.drops = { message in
            if case .append = message.kind { return true }
            return false
        }
        cluster.campaign("a")
        cluster["a"].readIndex(requestID: 1)
        cluster.tick(4)
        #expect(cluster.readStates["a", default: []].isEmpty)
        cluster.drops = { _ in false }
        cluster.tick(4)
        #expect(cluster.readStates["a"] == [ReadState(requestID: 1, index: 1)])
    }

    /// With `leaseReads`, a leader whose quorum acknowledged a recent heartbeat answers at
    /// once; the lease runs out `electionTicks - leaseDriftTicks` ticks after that heartbeat.
    @Test func leaseAnswersWithoutARoundTripUntilItExpires() {
        var cluster = Cluster(["a", "b", "c"]) { $0.leaseReads = true }
        cluster.campaign("a")
        #expect(!cluster["a"].leaseValid)  // no heartbeat acknowledged yet
        cluster.tick(2)
        #expect(cluster["a"].leaseValid)
        cluster["a"].readIndex(requestID: 5)
        #expect(!cluster["a"].ready().readStates.isEmpty)  // answered with no message sent
        cluster.isolated = ["a"]
        cluster.tick(8, only: ["a"])
        #expect(!cluster["a"].leaseValid)
        #expect(cluster["a"].role == .leader)  // still leader, but no longer sure
    }

    @Test func leaseIsOffByDefault() {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        cluster.tick(4)
        #expect(!cluster["a"].leaseValid)
    }

    @Test func quorumContactMeasuresStaleness() {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        cluster.tick(2)
        #expect(cluster["b"].hasQuorumContact(withinTicks: 2))
        cluster.isolated = ["a"]
        cluster.tick(5, only: ["b"])
        #expect(!cluster["b"].hasQuorumContact(withinTicks: 2))
        #expect(cluster["b"].hasQuorumContact(withinTicks: 10))
    }
}
