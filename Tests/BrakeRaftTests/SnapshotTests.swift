import BrakeRaft
import Testing

@Suite struct SnapshotTests {
    /// A follower that needs compacted entries gets the snapshot, installs it (Ready.snapshot),
    /// then receives the entries after it.
    @Test func laggingFollowerInstallsASnapshot() throws {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        cluster.crash("c")
        for n in 0..<10 { _ = try cluster.propose("a", "e\(n)") }
        let through = cluster["a"].commitIndex
        try cluster["a"].compact(through: through, snapshotData: Array("state@\(through)".utf8))
        try cluster["b"].compact(through: through, snapshotData: Array("state@\(through)".utf8))
        #expect(cluster["a"].firstIndex == through + 1)
        _ = try cluster.propose("a", "after")
        cluster.start("c", applied: 0)
        cluster.tick(4)
        let disk = try #require(cluster.disks["c"])
        #expect(disk.snapshot?.metadata.index == through)
        #expect(disk.snapshot?.data == Array("state@\(through)".utf8))
        #expect(cluster["c"].commitIndex == cluster["a"].commitIndex)
        #expect(cluster.appliedTexts("c") == ["after"])  // entries before came in the snapshot
        #expect(disk.entries.first?.index == through + 1)
    }

    /// A snapshot whose last entry the follower already holds only advances its commit index;
    /// its entries are kept.
    @Test func matchingSnapshotKeepsTheLog() {
        var cluster = Cluster(["a", "b"])
        cluster.load("b", term: 2, commit: 1, log: [(1, 1), (2, 2), (3, 2)])
        var b = cluster["b"]
        let snap = Snapshot(metadata: SnapshotMetadata(index: 2, term: 2, voters: ["a", "b"]), data: [9])
        b.step(RaftMessage(from: "a", to: "b", term: 2, kind: .snapshot(snap)))
        let ready = b.ready()
        #expect(ready.snapshot == nil)
        #expect(b.lastIndex == 3 && b.commitIndex == 2)
        #expect(ready.messages.map(\.kind) == [.appendAccepted(matchIndex: 2)])
    }

    @Test func compactionNeedsAnAppliedIndex() throws {
        var cluster = Cluster(["a"])
        cluster.tick(25)
        _ = try cluster.propose("a", "x")
        var a = cluster["a"]
        #expect(throws: RaftError.unavailable) { try a.compact(through: a.lastIndex + 1, snapshotData: []) }
        try a.compact(through: a.appliedIndex, snapshotData: [1])
        #expect(throws: RaftError.compacted) { try a.compact(through: a.appliedIndex, snapshotData: [1]) }
        #expect(a.snapshot?.metadata.index == a.appliedIndex)
    }

    /// Restart from a snapshot plus the entries after it.
    @Test func restartFromSnapshotAndEntries() {
        let snap = Snapshot(metadata: SnapshotMetadata(index: 5, term: 2, voters: ["a"]), data: [7])
        let node = RaftNode(
            config: RaftConfig(id: "a", voters: ["a"]), hardState: HardState(term: 3, vote: "a", commit: 6),
            snapshot: snap, entries: [Entry(term: 3, index: 6, data: [1]), Entry(term: 3, index: 7, data: [2])],
            applied: 5, random: SplitMix64(seed: 1))
        var copy = node
        #expect(node.firstIndex == 6 && node.lastIndex == 7 && node.commitIndex == 6)
        #expect(copy.ready().committedEntries.map(\.index) == [6])
    }
}
