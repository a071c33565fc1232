import BrakeCore
import BrakeRaft
import BrakeReplica
import Testing

/// Compaction encodes nothing that grows with the registry; a follower behind the compacted log
/// still gets exactly the registry at the index of the snapshot it installs (Specs/consensus.md,
/// "What a snapshot is").
@Suite struct CompactionTests {
    /// Three nodes, snapshots every 4 entries, one follower cut off while the leader commits 10.
    func compactedCluster() throws -> (cluster: ReplicaCluster, leader: NodeID, lagging: NodeID) {
        var cluster = try ReplicaCluster {
            $0.snapshotInterval = 4
            $0.snapshotChunkBytes = 1_024
        }
        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        let leader = try #require(cluster.leader)
        let lagging = try #require(cluster.ids.first { $0 != leader })
        cluster.isolated.insert(lagging)
        for n in 0..<10 {
            _ = cluster.submit(try cluster.trigger("scope/\(n)", signers: ["lab-a", "lab-b"], nonce: nonce(n + 300)), on: leader)
            cluster.run(steps: 2)
        }
        return (cluster, leader, lagging)
    }

    @Test("a node's own snapshot is metadata only: index, term and membership, no registry bytes")
    func compactionCarriesMetadataOnly() throws {
        let (cluster, leader, _) = try compactedCluster()
        let compactions = cluster.compactions[leader] ?? []
        #expect(compactions.count >= 2, "10 entries with a snapshot every 4 should compact at least twice, saw \(compactions.map(\.metadata.index))")
        #expect(compactions.allSatisfy { $0.data.isEmpty }, "compactions carried data: \(compactions.map(\.data.count))")
        let replica = try #require(cluster.replicas[leader])
        let held = try #require(replica.raft.snapshot)
        #expect(held.data.isEmpty)
        #expect(held.metadata == compactions.last?.metadata)
        #expect(held.metadata.index <= replica.registry.appliedIndex)
        #expect(Set(held.metadata.voters) == Set(cluster.ids))
    }

    @Test("a follower behind the compacted log receives the registry at the snapshot's index and converges")
    func laggingFollowerGetsTheStateAtTheSnapshotsIndex() throws {
        var (cluster, leader, lagging) = try compactedCluster()
        cluster.isolated.remove(lagging)
        #expect(cluster.run(upTo: 200) { $0.replicas[lagging]!.registry.appliedIndex == $0.replicas[leader]!.registry.appliedIndex })

        // Reassemble the first whole snapshot the leader streamed to the follower.
        let chunks = cluster.sent.compactMap { message -> SnapshotChunk? in
            if case .snapshotChunk(let chunk) = message.body, message.to == lagging { chunk } else { nil }
        }
        let first = try #require(chunks.first, "the follower should have needed a snapshot")
        var data: [UInt8] = []
        for chunk in chunks where chunk.metadata == first.metadata && chunk.offset == UInt64(data.count) {
            data += chunk.data
        }
        #expect(data.count == Int(first.totalBytes))
        let registry = try Registry(charter: cluster.federation.charter, snapshot: data)
        #expect(registry.appliedIndex == first.metadata.index, "the data is the registry through \(registry.appliedIndex), its metadata says \(first.metadata.index)")

        // Encoding it for the follower is stored as one more compaction, again without data.
        let compactions = cluster.compactions[leader] ?? []
        #expect(compactions.allSatisfy { $0.data.isEmpty })
        #expect(compactions.contains { $0.metadata == first.metadata }, "the snapshot sent is not one the leader stored: \(first.metadata.index)")

        let installs = cluster.installs[lagging] ?? []
        #expect(installs.count == 1)
        #expect(installs.first?.appliedIndex == installs.first?.snapshot.metadata.index)
        #expect(cluster.replicas[lagging]!.registry == cluster.replicas[leader]!.registry)
    }
}
