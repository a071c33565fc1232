import BrakeCore
import BrakeRaft
import BrakeReplica
import Testing

/// Submissions: a follower forwards to the leader by message, answers arrive by request id, the
/// uncommitted bound refuses instead of queueing forever, and a halted node answers everyone.
@Suite struct SubmissionTests {
    @Test("a follower forwards a submission and its client gets the leader's answer")
    func followerForwards() throws {
        var cluster = try ReplicaCluster()
        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        let leader = try #require(cluster.leader)
        let follower = try #require(cluster.ids.first { $0 != leader })
        let envelope = try cluster.trigger("training", signers: ["lab-a"], nonce: String(repeating: "b2", count: 16))
        let request = cluster.submit(envelope, on: follower)
        #expect(cluster.sent.contains { if case .submit = $0.body { $0.from == follower && $0.to == leader } else { false } })
        #expect(cluster.run(upTo: 20) { $0.answer(request, on: follower) != nil })
        guard case .applied(.accepted(let receipt), let index) = cluster.answer(request, on: follower) else {
            Issue.record("answer: \(String(describing: cluster.answer(request, on: follower)))")
            return
        }
        #expect(receipt.id == motionID(payload: envelope.payload))
        cluster.run(steps: 5)
        for id in cluster.ids { #expect(cluster.replicas[id]!.registry.appliedIndex >= index) }
    }

    @Test("a follower that has not applied a motion yet leaves its co-signature to the leader")
    func laggingFollowerForwardsStateDependentRefusals() throws {
        var cluster = try ReplicaCluster()
        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        let leader = try #require(cluster.leader)
        let lagging = try #require(cluster.ids.first { $0 != leader })
        // The motion commits through the leader and the other follower while `lagging` is stopped.
        cluster.stopped.insert(lagging)
        let motion = try cluster.trigger("training", signers: ["lab-a"], nonce: nonce(0xd4))
        let opened = cluster.submit(motion, on: leader)
        #expect(cluster.run(upTo: 20) { $0.answer(opened, on: leader) != nil })
        guard case .applied(.accepted(let receipt), _) = cluster.answer(opened, on: leader) else {
            Issue.record("answer: \(String(describing: cluster.answer(opened, on: leader)))")
            return
        }
        #expect(receipt.state == "open")
        #expect(cluster.replicas[lagging]!.registry.motion(id: receipt.id) == nil)

        // lab-b's co-signature arrives at the lagging follower, which does not know the motion: its
        // own registry would refuse it (proposer_not_signed); the leader, which knows it, decides.
        let cosign = try #require(cluster.federation.key(of: "lab-b"))
        let envelope = Envelope(payloadType: motion.payloadType, payload: motion.payload).signed(with: cosign)
        let request = cluster.submit(envelope, on: lagging)
        #expect(cluster.sent.contains { if case .submit = $0.body { $0.from == lagging && $0.to == leader } else { false } })
        cluster.resume(lagging)
        #expect(cluster.run(upTo: 30) { $0.answer(request, on: lagging) != nil })
        guard case .applied(.accepted(let passed), _) = cluster.answer(request, on: lagging) else {
            Issue.record("answer: \(String(describing: cluster.answer(request, on: lagging)))")
            return
        }
        #expect(passed.state == "passed")

        // A refusal no later entry can change is still given by the follower itself.
        var forged = envelope
        forged.signatures[0].sig = Array(repeating: 9, count: 64)
        let refused = cluster.submit(forged, on: lagging)
        guard case .refused(.registry(let error)) = cluster.answer(refused, on: lagging) else {
            Issue.record("answer: \(String(describing: cluster.answer(refused, on: lagging)))")
            return
        }
        #expect(error.code == .badSignature || error.code == .unknownKey)
    }

    @Test("a follower with no leader refuses at once; an invalid declaration is refused before the log")
    func refusals() throws {
        var cluster = try ReplicaCluster()
        let id = cluster.ids[0]
        let envelope = try cluster.trigger("training", signers: ["lab-a"], nonce: String(repeating: "c3", count: 16))
        let request = cluster.submit(envelope, on: id)
        guard case .refused(.node(let error)) = cluster.answer(request, on: id) else {
            Issue.record("answer: \(String(describing: cluster.answer(request, on: id)))")
            return
        }
        #expect(error.code == .notLeader)

        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        let leader = try #require(cluster.leader)
        let before = cluster.replicas[leader]!.raft.lastIndex
        var forged = envelope
        forged.signatures[0].sig = Array(repeating: 7, count: 64)
        let refused = cluster.submit(forged, on: leader)
        guard case .refused(.registry(let registryError)) = cluster.answer(refused, on: leader) else {
            Issue.record("answer: \(String(describing: cluster.answer(refused, on: leader)))")
            return
        }
        #expect(registryError.code == .badSignature || registryError.code == .unknownKey)
        #expect(cluster.replicas[leader]!.raft.lastIndex == before)
    }

    @Test("beyond the uncommitted bound a leader refuses with overloaded")
    func uncommittedBound() throws {
        var cluster = try ReplicaCluster { $0.maxUncommittedEntries = 2 }
        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        let leader = try #require(cluster.leader)
        // The followers stop answering: nothing commits.
        for id in cluster.ids where id != leader { cluster.stopped.insert(id) }
        var codes: [String] = []
        for n in 0..<4 {
            let envelope = try cluster.trigger("scope/\(n)", signers: ["lab-a"], nonce: nonce(n + 1))
            let request = cluster.submit(envelope, on: leader)
            if case .refused(.node(let error)) = cluster.answer(request, on: leader) { codes.append(error.code.rawValue) }
        }
        #expect(codes == ["overloaded", "overloaded"])
    }

    @Test("a submission not applied in time is answered pending with its index")
    func pendingAfterTimeout() throws {
        var cluster = try ReplicaCluster()
        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        let leader = try #require(cluster.leader)
        for id in cluster.ids where id != leader { cluster.stopped.insert(id) }
        let envelope = try cluster.trigger("training", signers: ["lab-a"], nonce: String(repeating: "d4", count: 16))
        let request = cluster.submit(envelope, on: leader, timeoutMillis: 500)
        cluster.run(steps: 3)
        #expect(cluster.answer(request, on: leader) == nil)
        cluster.run(steps: 3)
        guard case .pending(let id, let index) = cluster.answer(request, on: leader) else {
            Issue.record("answer: \(String(describing: cluster.answer(request, on: leader)))")
            return
        }
        #expect(id == motionID(payload: envelope.payload))
        #expect(index == cluster.replicas[leader]!.raft.lastIndex)
    }

    @Test("a storage failure answers every waiting client with node_halted and makes the node unknown")
    func haltedAnswersEveryone() throws {
        var cluster = try ReplicaCluster()
        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        let leader = try #require(cluster.leader)
        for id in cluster.ids where id != leader { cluster.stopped.insert(id) }
        let request = cluster.submit(try cluster.trigger("training", signers: ["lab-a"], nonce: String(repeating: "e5", count: 16)), on: leader)
        var replica = try #require(cluster.replicas[leader])
        replica.readIndex(requestID: 999, timeoutMillis: 10_000, at: cluster.time)
        replica.storageFailed("MDB_MAP_FULL")
        let ready = replica.ready()
        var submitCode: String?
        var readConfirmed: Bool?
        for answer in ready.answers {
            switch answer {
            case .submit(let r, .refused(.node(let error))) where r == request: submitCode = error.code.rawValue
            case .read(999, let confirmed): readConfirmed = confirmed
            default: break
            }
        }
        #expect(submitCode == "node_halted")
        #expect(readConfirmed == false)
        #expect(!replica.isFresh(maxStalenessMillis: 60_000, at: cluster.monotonic))
    }

    @Test("a store whose registry is applied past its log is refused at start")
    func inconsistentStoreRefused() throws {
        var cluster = try ReplicaCluster()
        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        cluster.run(steps: 5)
        let leader = try #require(cluster.leader)
        let registry = try #require(cluster.replicas[leader]?.registry)
        #expect(registry.appliedIndex >= 1)
        #expect(throws: NodeError.self) {
            _ = try BrakeReplica(
                charter: cluster.federation.charter, nodeID: leader, config: ReplicaConfig(),
                stored: .init(hardState: HardState(), snapshot: nil, entries: [], registry: registry),
                now: cluster.time, random: SplitMix64(seed: 9))
        }
    }
}
