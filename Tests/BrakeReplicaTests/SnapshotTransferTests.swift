import BrakeCore
import BrakeRaft
import BrakeReplica
import Testing

/// A follower that missed compacted entries catches up by a snapshot streamed in chunks under the
/// frame cap; the install carries the registry it restores, so the shell stores both at once.
@Suite struct SnapshotTransferTests {
    /// A cluster where one follower is cut off while the others commit and compact.
    func laggingCluster(chunk: Int) throws -> (cluster: ReplicaCluster, leader: NodeID, lagging: NodeID) {
        var cluster = try ReplicaCluster {
            $0.snapshotInterval = 4
            $0.snapshotChunkBytes = chunk
            $0.snapshotWindowChunks = 2
            $0.snapshotMaxWindowBytes = 2 * chunk  // a window that never grows: transfers take many round trips
        }
        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        let leader = try #require(cluster.leader)
        let lagging = try #require(cluster.ids.first { $0 != leader })
        cluster.isolated.insert(lagging)
        for n in 0..<10 {
            let envelope = try cluster.trigger("scope/\(n)", signers: ["lab-a", "lab-b"], nonce: nonce(n + 100))
            _ = cluster.submit(envelope, on: leader)
            cluster.run(steps: 2)
        }
        #expect(cluster.replicas[leader]!.snapshotIndex >= 8)
        return (cluster, leader, lagging)
    }

    @Test("a lagging follower installs a chunked snapshot and converges with the leader")
    func chunkedCatchUp() throws {
        var (cluster, leader, lagging) = try laggingCluster(chunk: 512)
        cluster.isolated.remove(lagging)
        #expect(cluster.run(upTo: 200) { $0.replicas[lagging]!.registry.appliedIndex == $0.replicas[leader]!.registry.appliedIndex })
        let chunks = cluster.sent.compactMap { message -> SnapshotChunk? in
            if case .snapshotChunk(let chunk) = message.body, message.to == lagging { chunk } else { nil }
        }
        #expect(chunks.count > 1, "the snapshot should need several chunks of 512 bytes")
        #expect(chunks.allSatisfy { $0.data.count <= 512 })
        let installs = cluster.installs[lagging] ?? []
        #expect(installs.count == 1)
        let install = try #require(installs.first)
        #expect(install.appliedIndex == install.snapshot.metadata.index)
        #expect(!install.rows.isEmpty)
        #expect(cluster.sent.contains {
            if case .snapshotStatus(let status) = $0.body, status.state == .installed { $0.from == lagging } else { false }
        })
        #expect(cluster.replicas[lagging]!.registry == cluster.replicas[leader]!.registry)
    }

    @Test("lost chunks are resent from the last acknowledged byte; a slow transfer is not restarted")
    func lossyTransfer() throws {
        var (cluster, leader, lagging) = try laggingCluster(chunk: 256)
        cluster.isolated.remove(lagging)
        cluster.chunkLoss = 3
        #expect(cluster.run(upTo: 300) { $0.replicas[lagging]!.registry.appliedIndex == $0.replicas[leader]!.registry.appliedIndex })
        #expect(cluster.droppedChunks > 0)
        let firstChunks = cluster.sent.filter {
            if case .snapshotChunk(let chunk) = $0.body { chunk.offset == 0 && $0.to == lagging } else { false }
        }
        #expect(firstChunks.count == 1, "the transfer restarted \(firstChunks.count - 1) times")
    }

    /// The reports `from` sent about snapshot transfers, oldest first.
    func statuses(_ cluster: ReplicaCluster, from node: NodeID) -> [SnapshotStatus] {
        cluster.sent.compactMap { message -> SnapshotStatus? in
            if case .snapshotStatus(let status) = message.body, message.from == node { status } else { nil }
        }
    }

    /// The chunks sent to `node`, oldest first.
    func chunks(_ cluster: ReplicaCluster, to node: NodeID) -> [SnapshotChunk] {
        cluster.sent.compactMap { message -> SnapshotChunk? in
            if case .snapshotChunk(let chunk) = message.body, message.to == node { chunk } else { nil }
        }
    }

    /// A lagging follower part way through a transfer of 256-byte chunks (it reported holding at
    /// least `held` bytes), cut off again so that only what a test hands it arrives.
    func halfwayCluster(held: UInt64) throws -> (cluster: ReplicaCluster, leader: NodeID, lagging: NodeID) {
        var (cluster, leader, lagging) = try laggingCluster(chunk: 256)
        cluster.isolated.remove(lagging)
        // One window per round: the leader's chunks wait in the follower's socket buffer until it
        // takes them, and its answers reach the leader at the next step.
        cluster.stopped.insert(lagging)
        for _ in 0..<100 where !statuses(cluster, from: lagging).contains(where: { $0.state == .receiving && $0.received >= held }) {
            cluster.step()
            cluster.resume(lagging)
            cluster.stopped.insert(lagging)
        }
        // The leader reads the last answers (its next chunks wait unread, then are dropped).
        cluster.deliver()
        cluster.held[lagging] = nil
        cluster.stopped.remove(lagging)
        cluster.isolated.insert(lagging)
        #expect(statuses(cluster, from: lagging).contains { $0.state == .receiving && $0.received >= held })
        #expect(cluster.replicas[lagging]!.registry.appliedIndex < cluster.replicas[leader]!.registry.appliedIndex)
        return (cluster, leader, lagging)
    }

    @Test("a transfer the leader starts again in a later term continues from the bytes the follower holds")
    func transferContinuesAcrossTerms() throws {
        var (cluster, leader, lagging) = try halfwayCluster(held: 1_024)
        let held = try #require(statuses(cluster, from: lagging).map(\.received).max())
        var first = try #require(chunks(cluster, to: lagging).first { $0.offset == 0 })
        // The leader re-elected in the next term streams the same snapshot again, from byte 0.
        first.term += 1
        let before = cluster.sent.count
        cluster.replicas[lagging]!.receive(
            PeerMessage(from: leader, to: lagging, body: .snapshotChunk(first)), from: leader, at: cluster.time(of: lagging))
        cluster.drain(lagging)
        let answer = try #require(Array(cluster.sent[before...]).compactMap { message -> SnapshotStatus? in
            if case .snapshotStatus(let status) = message.body { status } else { nil }
        }.last)
        #expect(answer.state == .receiving)
        #expect(answer.received >= held, "the follower dropped the \(held) bytes it held and reported \(answer.received)")
    }

    @Test("a follower that lost what it held (a restart) is sent the snapshot from the first byte at the next resend")
    func followerThatLostItsAssemblyStartsOver() throws {
        var (cluster, leader, lagging) = try halfwayCluster(held: 512)
        let progress = try #require(statuses(cluster, from: lagging).last)
        let firstChunks = { (c: ReplicaCluster) in chunks(c, to: lagging).filter { $0.offset == 0 }.count }
        let before = firstChunks(cluster)
        // What a follower that restarted mid-transfer answers a later chunk: it holds nothing.
        let forgot = PeerMessage(from: lagging, to: leader, body: .snapshotStatus(SnapshotStatus(
            index: progress.index, term: progress.term, received: 0, state: .receiving)))
        cluster.replicas[leader]!.receive(forgot, from: lagging, at: cluster.time(of: leader))
        cluster.drain(leader)
        // Within one resend interval (two heartbeats), well before Raft's election-timeout retry.
        cluster.run(steps: 5)
        #expect(firstChunks(cluster) > before, "the leader should send the first chunk again")
        cluster.isolated.remove(lagging)
        #expect(cluster.run(upTo: 300) { $0.replicas[lagging]!.registry.appliedIndex == $0.replicas[leader]!.registry.appliedIndex })
    }

    @Test("a late chunk of a snapshot the follower installed is answered 'installed', never 'holds nothing'")
    func lateChunkAfterInstall() throws {
        var (cluster, leader, lagging) = try laggingCluster(chunk: 256)
        cluster.isolated.remove(lagging)
        #expect(cluster.run(upTo: 200) { $0.replicas[lagging]!.registry.appliedIndex == $0.replicas[leader]!.registry.appliedIndex })
        let late = try #require(chunks(cluster, to: lagging).last { $0.offset > 0 })
        let before = cluster.sent.count
        cluster.replicas[lagging]!.receive(
            PeerMessage(from: leader, to: lagging, body: .snapshotChunk(late)), from: leader, at: cluster.time(of: lagging))
        cluster.drain(lagging)
        let answers = Array(cluster.sent[before...]).compactMap { message -> SnapshotStatus? in
            if case .snapshotStatus(let status) = message.body { status } else { nil }
        }
        #expect(answers.count == 1)
        #expect(answers.allSatisfy { $0.state == .installed }, "answers: \(answers)")
        #expect((cluster.installs[lagging] ?? []).count == 1, "the snapshot was installed again")
    }

    @Test("a snapshot that does not decode is refused with a failed status and nothing installed")
    func corruptSnapshotFails() throws {
        var cluster = try ReplicaCluster()
        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        let leader = try #require(cluster.leader)
        let follower = try #require(cluster.ids.first { $0 != leader })
        var replica = try #require(cluster.replicas[follower])
        let term = replica.raft.term
        let metadata = SnapshotMetadata(index: 50, term: term, voters: cluster.ids)
        let garbage = Array("not a registry".utf8)
        replica.receive(
            PeerMessage(from: leader, to: follower, body: .snapshotChunk(SnapshotChunk(
                term: term, metadata: metadata, totalBytes: UInt64(garbage.count), offset: 0, data: garbage))),
            from: leader, at: cluster.time)
        let ready = replica.ready()
        #expect(ready.install == nil)
        #expect(ready.messages.contains {
            if case .snapshotStatus(let status) = $0.body, case .failed = status.state { true } else { false }
        })
        #expect(replica.registry.appliedIndex < 50)
    }

    @Test("a chunk beyond the size limit is refused before anything is buffered")
    func oversizedSnapshotRefused() throws {
        var cluster = try ReplicaCluster { $0.maxSnapshotBytes = 1_000 }
        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        let leader = try #require(cluster.leader)
        let follower = try #require(cluster.ids.first { $0 != leader })
        var replica = try #require(cluster.replicas[follower])
        let metadata = SnapshotMetadata(index: 50, term: replica.raft.term, voters: cluster.ids)
        replica.receive(
            PeerMessage(from: leader, to: follower, body: .snapshotChunk(SnapshotChunk(
                term: replica.raft.term, metadata: metadata, totalBytes: 1 << 40, offset: 0, data: [1, 2, 3]))),
            from: leader, at: cluster.time)
        let ready = replica.ready()
        #expect(ready.messages.contains {
            if case .snapshotStatus(let status) = $0.body, case .failed = status.state { true } else { false }
        })
    }
}
