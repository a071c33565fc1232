import BrakeCore
import BrakeRaft
import BrakeReplica
import Testing

/// Freshness is measured on the monotonic clock at the moment of the check, and every contact is
/// dated by when a message left the node that asks, so a node that was stopped never looks fresh
/// because of messages that waited in its buffer.
@Suite struct FreshnessTests {
    @Test("a leader and its followers are fresh once a quorum answered; time alone makes them stale")
    func freshAfterContactStaleAfterSilence() throws {
        var cluster = try ReplicaCluster()
        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        cluster.run(steps: 10)
        for id in cluster.ids {
            #expect(cluster.fresh(id), "\(id) should be fresh: \(cluster.replicas[id]!.raft.role)")
        }
        // Nobody ticks or answers for 2 s: every node is stale for a 1 s bound at once, although
        // nothing new arrived.
        cluster.monotonic += 2_000
        for id in cluster.ids {
            #expect(!cluster.fresh(id), "\(id) is fresh after 2 s without contact")
        }
    }

    @Test("a stopped follower is unknown after it resumes, even with the leader's answers in its buffer")
    func stoppedFollowerIsNotFreshFromBufferedMessages() throws {
        var cluster = try ReplicaCluster()
        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        cluster.run(steps: 10)
        let leader = try #require(cluster.leader)
        let follower = try #require(cluster.ids.first { $0 != leader })
        #expect(cluster.fresh(follower))

        // The follower stops; the leader commits a pause meanwhile; everything sent to the
        // follower waits in its buffer.
        cluster.stopped.insert(follower)
        cluster.run(steps: 3)
        let envelope = try cluster.trigger("training", signers: ["lab-a", "lab-b"], nonce: String(repeating: "a1", count: 16))
        let request = cluster.submit(envelope, on: leader)
        cluster.run(steps: 50)
        guard case .applied(.accepted, _) = cluster.answer(request, on: leader) else {
            Issue.record("the pause did not commit: \(String(describing: cluster.answer(request, on: leader)))")
            return
        }

        // It resumes 5 s later; before reading its buffer it is stale, and after reading it,
        // it is still stale: every echo in there answers a probe sent before it stopped.
        #expect(!cluster.fresh(follower, within: 3_000))
        cluster.resume(follower)
        #expect(!cluster.fresh(follower, within: 3_000))
        // One probe round later it is fresh, and has applied the pause.
        #expect(cluster.run(upTo: 20) { $0.fresh(follower, within: 3_000) })
        let registry = try #require(cluster.replicas[follower]?.registry)
        #expect(registry.check(try Scope("training/frontier"), at: cluster.time.wall).verdict == .paused)
    }

    @Test("a follower that has not applied through the leader's commit index is not fresh")
    func freshRequiresApplyingTheLeadersCommit() throws {
        var cluster = try ReplicaCluster()
        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        cluster.run(steps: 10)
        let leader = try #require(cluster.leader)
        let follower = try #require(cluster.ids.first { $0 != leader })
        // The follower hears probes answered but no appends: its commit lags the leader's.
        var replica = try #require(cluster.replicas[follower])
        let probeTime = cluster.time
        replica.receive(
            PeerMessage(from: leader, to: follower, body: .freshnessEcho(
                sentAt: probeTime.monotonic, quorumAgeMillis: 0, commitIndex: replica.raft.commitIndex + 5)),
            from: leader, at: probeTime)
        #expect(!replica.isFresh(maxStalenessMillis: 60_000, at: probeTime.monotonic))
    }

    @Test("an echo from a node that is not the leader, or claiming another sender, counts for nothing")
    func echoFromElsewhereIsIgnored() throws {
        var cluster = try ReplicaCluster()
        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        let leader = try #require(cluster.leader)
        let followers = cluster.ids.filter { $0 != leader }
        cluster.monotonic += 10_000
        var replica = try #require(cluster.replicas[followers[0]])
        let now = cluster.time
        let echo = PeerMessage.Body.freshnessEcho(sentAt: now.monotonic, quorumAgeMillis: 0, commitIndex: 0)
        replica.receive(PeerMessage(from: followers[1], to: followers[0], body: echo), from: followers[1], at: now)
        replica.receive(PeerMessage(from: leader, to: followers[0], body: echo), from: followers[1], at: now)
        #expect(!replica.isFresh(maxStalenessMillis: 1_000, at: now.monotonic))
    }
}
