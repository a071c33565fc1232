import BrakeCore
import BrakeRaft
import BrakeReplica
import Testing

/// A node restarted with its registry loading (only its head in memory) runs Raft at once, applies
/// nothing until the whole registry is handed over, and is fresh for `check` only while every
/// committed entry it has not applied is a Raft no-op: a waiting declaration may change a pause.
@Suite struct RegistryLoadingTests {
    /// One node's store: a no-op at 1 and a passed trigger at 2, both committed in term 1; the
    /// registry whole as of `applied`, and its head (meta row only) as of `applied`.
    struct Fixture {
        let cluster: ReplicaCluster
        let id: NodeID
        let entries: [Entry]

        init() throws {
            cluster = try ReplicaCluster(nodes: 1)
            id = cluster.ids[0]
            let envelope = try cluster.trigger("training", signers: ["lab-a", "lab-b"], nonce: String(repeating: "c3", count: 16))
            entries = [
                Entry(term: 1, index: 1, data: []),
                Entry(term: 1, index: 2, data: LogRecord(time: ReplicaCluster.epoch + 500, envelope: envelope).encoded()),
            ]
        }

        func whole(applied: UInt64) -> Registry {
            var registry = Registry(charter: cluster.federation.charter)
            for entry in entries where entry.index <= applied { _ = registry.apply(index: entry.index, data: entry.data) }
            return registry
        }

        func restart(applied: UInt64) throws -> BrakeReplica {
            let head = try Registry(charter: cluster.federation.charter, rows: whole(applied: applied).rows.filter { $0.key == .meta })
            var stored = BrakeReplica.Stored(
                hardState: HardState(term: 1, vote: id, commit: 2), snapshot: nil, entries: entries, registry: head)
            stored.registryComplete = false
            var replica = try BrakeReplica(
                charter: cluster.federation.charter, nodeID: id, config: ReplicaConfig(), stored: stored, now: cluster.time,
                random: SplitMix64(seed: 7))
            while replica.hasReady { _ = replica.ready() }
            return replica
        }
    }

    @Test("a committed declaration waiting for the load keeps the node unknown; the load applies it")
    func waitingDeclarationIsNotFresh() throws {
        let fixture = try Fixture()
        var replica = try fixture.restart(applied: 1)
        let now = fixture.cluster.time.monotonic
        #expect(replica.registryLoading && replica.raft.role == .leader)
        #expect(replica.registry.appliedIndex == 1 && replica.raft.commitIndex == 3)
        #expect(!replica.isFresh(maxStalenessMillis: 5_000, at: now))

        // Submissions wait for the registry.
        let envelope = try fixture.cluster.trigger("eval", signers: ["lab-a"], nonce: String(repeating: "d4", count: 16))
        replica.submit(envelope, requestID: 9, timeoutMillis: 1_000, at: fixture.cluster.time)
        let answers = replica.ready().answers
        guard case .submit(9, .refused(.node(let error))) = answers.first else {
            Issue.record("expected a refusal, got \(answers)")
            return
        }
        #expect(error.code == .registryLoading)

        // A registry of another applied index is not the one the head came from.
        #expect(throws: NodeError.self) { try replica.finishLoading(fixture.whole(applied: 2)) }
        #expect(replica.registryLoading)

        try replica.finishLoading(fixture.whole(applied: 1))
        let applied = replica.ready().applied.map(\.entry.index)
        #expect(applied == [2, 3])
        var expected = fixture.whole(applied: 2)
        _ = expected.apply(index: 3, data: [])
        #expect(!replica.registryLoading && replica.registry == expected)
        #expect(replica.registry.checkTable.pauses.count == 1)
        #expect(replica.isFresh(maxStalenessMillis: 5_000, at: now))
    }

    @Test("only no-ops waiting: fresh while loading, and nothing applied until the load")
    func waitingNoopsAreFresh() throws {
        let fixture = try Fixture()
        var replica = try fixture.restart(applied: 2)
        #expect(replica.registryLoading && replica.raft.commitIndex == 3)
        #expect(replica.registry.appliedIndex == 2)
        #expect(replica.isFresh(maxStalenessMillis: 5_000, at: fixture.cluster.time.monotonic))
        try replica.finishLoading(fixture.whole(applied: 2))
        #expect(replica.ready().applied.map(\.entry.index) == [3])
        #expect(replica.registry.appliedIndex == 3 && replica.registry.checkTable.pauses.count == 1)
    }
}
