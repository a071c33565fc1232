import BrakeCore
import BrakeRaft
import BrakeReplica
import Testing

/// Bounded time in the node core (Specs/time.md): followers refuse entries stamped more than the
/// charter's clock skew ahead of their own wall clock, and replace the leader that stamped them.
@Suite struct ClockBoundTests {
    static let day: Int64 = 86_400_000

    /// The node other than `old` that leads in a term above `term`, if any.
    static func newLeader(_ cluster: ReplicaCluster, besides old: NodeID, after term: UInt64) -> NodeID? {
        cluster.ids.first { id in
            id != old && cluster.replicas[id]?.raft.role == .leader && (cluster.replicas[id]?.raft.term ?? 0) > term
        }
    }

    @Test("an entry stamped a day ahead is refused, never commits, and its leader is replaced")
    func runawayLeaderIsReplaced() throws {
        var cluster = try ReplicaCluster()
        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        let old = try #require(cluster.leader)
        let oldTerm = try #require(cluster.replicas[old]?.raft.term)
        let followers = cluster.ids.filter { $0 != old }

        cluster.wallOffset[old] = Self.day
        let stamped = try cluster.trigger("training", signers: ["lab-a"], nonce: nonce(7))
        let oldTime = cluster.time(of: old)
        let position = cluster.replicas[old]?.proposeWithoutAdmission(stamped, at: oldTime)
        #expect(position != nil)
        cluster.drain(old)
        cluster.deliver()
        let refused = followers.map { cluster.replicas[$0]?.refusedAppends ?? 0 }
        #expect(refused.allSatisfy { $0 >= 1 }, "appends refused by \(followers): \(refused)")
        for id in followers {
            let refusal = cluster.replicas[id]?.clockRefusals[old]
            #expect(refusal?.term == oldTerm, "\(id): \(String(describing: refusal))")
            #expect((refusal?.stamp ?? 0) > cluster.time(of: id).wall + 300_000, "\(id): \(String(describing: refusal))")
        }

        // The followers stop deferring to it, elect one of themselves, and the old leader steps down.
        let replaced = cluster.run(upTo: 200) { Self.newLeader($0, besides: old, after: oldTerm) != nil }
        let roles = cluster.ids.map { "\($0): \(cluster.replicas[$0]?.raft.role.rawValue ?? "-") term \(cluster.replicas[$0]?.raft.term ?? 0)" }
        #expect(replaced, "no other leader after \(old): \(roles)")
        let successor = Self.newLeader(cluster, besides: old, after: oldTerm)
        let new = try #require(successor, "no other leader after \(old): \(roles)")
        #expect(cluster.run(upTo: 100) { $0.replicas[old]?.raft.role == .follower && ($0.replicas[old]?.raft.term ?? 0) > oldTerm })

        // The new leader commits, and every node, the old leader included, applies its entry and
        // never the one stamped a day ahead.
        let next = try cluster.trigger("deploy", signers: ["lab-b"], nonce: nonce(8))
        let request = cluster.submit(next, on: new)
        #expect(cluster.run(upTo: 50) { $0.answer(request, on: new) != nil })
        guard case .applied(_, let index) = cluster.answer(request, on: new) else {
            Issue.record("the new leader's answer: \(String(describing: cluster.answer(request, on: new)))")
            return
        }
        #expect(cluster.run(upTo: 100) { c in c.ids.allSatisfy { (c.replicas[$0]?.registry.appliedIndex ?? 0) >= index } },
                "applied: \(cluster.ids.map { cluster.replicas[$0]?.registry.appliedIndex ?? 0 })")
        for id in cluster.ids {
            #expect(cluster.replicas[id]?.registry.motion(id: motionID(payload: stamped.payload)) == nil, "\(id) applied the stamped entry")
            #expect(cluster.replicas[id]?.registry.motion(id: motionID(payload: next.payload)) != nil, "\(id) lacks the new leader's entry")
        }

        // Its clock still a day ahead, the old leader does not lead again.
        var ledAgain = false
        for _ in 0..<100 {
            cluster.step()
            if cluster.replicas[old]?.raft.role == .leader { ledAgain = true }
        }
        #expect(!ledAgain)
    }

    @Test("a stamp ahead by less than the skew is accepted and commits")
    func stampWithinTheSkewCommits() throws {
        var cluster = try ReplicaCluster()
        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        let leader = try #require(cluster.leader)
        cluster.wallOffset[leader] = 200_000  // the default skew is 300 s
        let envelope = try cluster.trigger("training", signers: ["lab-a"], nonce: nonce(9))
        let request = cluster.submit(envelope, on: leader)
        #expect(cluster.run(upTo: 20) { $0.answer(request, on: leader) != nil })
        guard case .applied = cluster.answer(request, on: leader) else {
            Issue.record("answer: \(String(describing: cluster.answer(request, on: leader)))")
            return
        }
        #expect(cluster.ids.allSatisfy { cluster.replicas[$0]?.refusedAppends == 0 })
    }

    @Test("a follower whose clock runs a day behind refuses, but the others keep their leader")
    func followerBehindOnlyLags() throws {
        var cluster = try ReplicaCluster()
        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        let leader = try #require(cluster.leader)
        let term = try #require(cluster.replicas[leader]?.raft.term)
        let behind = try #require(cluster.ids.first { $0 != leader })
        cluster.wallOffset[behind] = -Self.day
        let envelope = try cluster.trigger("training", signers: ["lab-a"], nonce: nonce(10))
        let request = cluster.submit(envelope, on: leader)
        #expect(cluster.run(upTo: 20) { $0.answer(request, on: leader) != nil })
        guard case .applied = cluster.answer(request, on: leader) else {
            Issue.record("answer: \(String(describing: cluster.answer(request, on: leader)))")
            return
        }
        #expect((cluster.replicas[behind]?.refusedAppends ?? 0) >= 1)
        cluster.run(steps: 100)
        #expect(cluster.replicas[leader]?.raft.role == .leader)
        #expect(cluster.replicas[leader]?.raft.term == term, "the lagging follower raised the term")
    }
}
