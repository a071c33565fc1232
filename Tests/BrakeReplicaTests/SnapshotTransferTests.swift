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
