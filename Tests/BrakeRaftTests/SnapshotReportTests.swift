import BrakeRaft
import Testing

/// The shell's reports on a snapshot it streams (`reportSnapshot`): the leader's Raft waits while
/// a transfer is alive, and moves on to entries as soon as the follower holds the snapshot.
@Suite struct SnapshotReportTests {
    /// A leader `a` whose follower `c` missed compacted entries, with the snapshot Raft asked the
    /// shell to stream to `c` (dropped here: the shell streams it in chunks).
    func snapshotPending() throws -> (cluster: Cluster, snapshot: Snapshot) {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        cluster.isolated.insert("c")
        for n in 0..<5 { _ = try cluster.propose("a", "m\(n)") }
        cluster.compact("a", through: cluster["a"].commitIndex)
        let snapshot = try #require(cluster["a"].snapshot)
        cluster.isolated.remove("c")
        cluster.drops = { if case .snapshot = $0.kind { true } else { false } }
        cluster.tick(3)
        #expect(cluster["c"].lastIndex < snapshot.metadata.index)
        return (cluster, snapshot)
    }

    @Test("once the follower holds the snapshot (its answer to Raft lost), 'finished' sends it entries at once")
    func finishedProbesAtOnce() throws {
        var (cluster, snapshot) = try snapshotPending()
        // The follower takes the snapshot; its appendAccepted is lost on the way back.
        cluster.drops = { $0.from == "c" && $0.to == "a" }
        cluster["c"].step(RaftMessage(from: "a", to: "c", term: cluster["a"].term, kind: .snapshot(snapshot)))
        cluster.deliver()
        #expect(cluster["c"].commitIndex == snapshot.metadata.index)
        cluster.drops = { _ in false }
        _ = try cluster.propose("a", "after")
        #expect(cluster["c"].lastIndex == snapshot.metadata.index, "the leader should still wait on the snapshot")
        // The shell heard the follower report 'installed'.
        cluster["a"].reportSnapshot("c", index: snapshot.metadata.index, .finished)
        cluster.deliver()
        #expect(cluster["c"].lastIndex == cluster["a"].lastIndex)
        #expect(cluster.appliedTexts("c") == ["after"])
    }

    @Test("a transfer the shell reports alive is not restarted, however long it takes; one that goes silent is")
    func inProgressKeepsTheTransfer() throws {
        var (cluster, snapshot) = try snapshotPending()
        let sent = Counter()
        cluster.drops = { message in
            guard case .snapshot = message.kind, message.to == "c" else { return false }
            sent.value += 1
            return true
        }
        for _ in 0..<40 {
            cluster["a"].reportSnapshot("c", index: snapshot.metadata.index, .inProgress)
            cluster.tick()
        }
        #expect(sent.value == 0, "Raft sent the snapshot again \(sent.value) times while the transfer was alive")
        cluster.tick(40)
        #expect(sent.value > 0, "Raft never retried a transfer that went silent")
    }
}
