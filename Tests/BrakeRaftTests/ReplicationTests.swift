import BrakeRaft
import Testing

@Suite struct ReplicationTests {
    /// §5.3: a follower's uncommitted suffix that conflicts with the leader is replaced, in
    /// memory and on disk.
    @Test func conflictingSuffixIsReplaced() {
        var cluster = Cluster(["a", "b", "c"])
        cluster.load("a", term: 3, commit: 2, log: [(1, 1), (2, 1), (3, 3)])
        cluster.load("b", term: 3, commit: 2, log: [(1, 1), (2, 1), (3, 2), (4, 2), (5, 2)])
        cluster.load("c", term: 3, commit: 2, log: [(1, 1), (2, 1)])
        cluster.campaign("a")
        #expect(cluster.leaders == ["a"])
        cluster.tick(3)
        #expect(cluster.disks["b"]!.entries == cluster.disks["a"]!.entries)
        #expect(cluster.disks["b"]!.entries.map(\.term) == [1, 1, 3, 4])
        #expect(cluster["b"].commitIndex == 4)
    }

    /// The conflict hint skips a whole divergent term in one round trip instead of one entry
    /// per round trip.
    @Test func fastBacktrackingTakesFewRoundTrips() {
        var cluster = Cluster(["a", "b", "c"])
        cluster.load("a", term: 3, commit: 1, log: [(1, 1)] + (2...51).map { ($0, 3) })
        cluster.load("b", term: 3, commit: 1, log: [(1, 1)] + (2...101).map { ($0, 2) })
        cluster.load("c", term: 3, commit: 1, log: [(1, 1)])
        cluster.campaign("a")
        cluster.tick(3)
        let rejections = cluster.delivered.filter {
            if case .appendRejected = $0.kind { return $0.from == "b" }
            return false
        }
        #expect(rejections.count == 1)  // one-by-one backtracking would take 50
        #expect(cluster.disks["b"]!.entries == cluster.disks["a"]!.entries)
    }

    /// Appends are batched by entry count and pipelined up to the inflight limit; a follower
    /// that is behind still catches up.
    @Test func appendsAreBatchedAndPipelined() throws {
        var cluster = Cluster(["a", "b", "c"]) {
            $0.maxBatchEntries = 3
            $0.maxInflightMessages = 2
        }
        cluster.campaign("a")
        cluster.delivered = []
        var leader = cluster["a"]
        for n in 0..<20 { _ = try leader.propose(Array("p\(n)".utf8)) }
        cluster["a"] = leader
        cluster.drain()
        let toB = cluster.network.filter { $0.to == "b" }
        // 20 proposals, but at most 2 appends in flight to b before it answers.
        #expect(toB.count == 2)
        cluster.deliver()
        let appends = cluster.delivered.compactMap { message -> Int? in
            if case .append(_, _, let entries, _) = message.kind, message.to == "b" { return entries.count }
            return nil
        }
        #expect(appends.allSatisfy { $0 <= 3 })
        cluster.tick(2)
        #expect(cluster.appliedTexts("b") == (0..<20).map { "p\($0)" })
    }

    @Test func byteBudgetBoundsBatchesAndProposals() throws {
        var cluster = Cluster(["a", "b", "c"]) { $0.maxBatchBytes = 10 }
        cluster.campaign("a")
        var leader = cluster["a"]
        #expect(throws: RaftError.proposalTooLarge) { try leader.propose([UInt8](repeating: 1, count: 11)) }
        for _ in 0..<4 { _ = try leader.propose([UInt8](repeating: 1, count: 6)) }
        cluster["a"] = leader
        cluster.tick(3)
        let sizes = cluster.delivered.compactMap { message -> Int? in
            if case .append(_, _, let entries, _) = message.kind, message.to == "b" { return entries.map(\.data.count).reduce(0, +) }
            return nil
        }
        #expect(sizes.allSatisfy { $0 <= 10 })
        #expect(cluster["b"].commitIndex == cluster["a"].lastIndex)
    }

    /// A lossy network: replication still converges through probes and heartbeats.
    @Test func replicationRecoversFromLostMessages() throws {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        let sent = Counter()
        // Lose every third message to or from c.
        cluster.drops = { message in
            guard message.to == "c" || message.from == "c" else { return false }
            sent.value += 1
            return sent.value % 3 == 0
        }
        for n in 0..<30 { _ = try cluster.propose("a", "m\(n)") }
        #expect(sent.value > 30)
        cluster.drops = { _ in false }
        cluster.tick(5)
        #expect(cluster.appliedTexts("c") == (0..<30).map { "m\($0)" })
    }

    /// Restart keeps term, vote and log; committed entries after `applied` come again.
    @Test func restartKeepsTermVoteAndLog() throws {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        _ = try cluster.propose("a", "one")
        _ = try cluster.propose("a", "two")
        cluster.tick(2)
        let before = cluster["b"]
        cluster.crash("b")
        cluster.start("b", applied: 1)
        #expect(cluster["b"].term == before.term)
        #expect(cluster["b"].vote == before.vote)
        #expect(cluster["b"].lastIndex == before.lastIndex)
        #expect(cluster["b"].commitIndex == before.commitIndex)
        let ready = cluster["b"].ready()
        #expect(ready.committedEntries.map(\.index) == Array(2...before.commitIndex))
        #expect(ready.hardState == nil && ready.entries.isEmpty)  // nothing new to persist
        // A restarted voter that voted in this term still refuses anyone else.
        var b = cluster["b"]
        b.step(RaftMessage(from: "c", to: "b", term: before.term, kind: .vote(lastIndex: 100, lastTerm: before.term, transfer: false)))
        #expect(b.ready().messages.map(\.kind) == [.voteResponse(granted: false)])
    }

    /// Bad input is ignored, never trapped on.
    @Test func malformedMessagesAreIgnored() {
        var cluster = Cluster(["a", "b", "c"])
        cluster.campaign("a")
        var b = cluster["b"]
        let term = b.term
        let lastIndex = b.lastIndex
        let junk: [RaftMessage] = [
            RaftMessage(from: "mallory", to: "b", term: term + 5, kind: .timeoutNow),
            RaftMessage(from: "a", to: "someone", term: term, kind: .heartbeat(commit: 9, context: 1)),
            RaftMessage(from: "a", to: "b", term: term, kind: .append(prevIndex: lastIndex, prevTerm: term, entries: [Entry(term: term, index: 99, data: [])], commit: 500)),
            RaftMessage(from: "a", to: "b", term: term, kind: .append(prevIndex: lastIndex, prevTerm: term, entries: [Entry(term: term + 9, index: lastIndex + 1, data: [])], commit: 0)),
            RaftMessage(from: "a", to: "b", term: term, kind: .heartbeat(commit: 1_000, context: 0)),
            RaftMessage(from: "c", to: "b", term: term, kind: .appendAccepted(matchIndex: .max)),
            RaftMessage(from: "a", to: "b", term: term, kind: .append(prevIndex: .max, prevTerm: .max, entries: [], commit: .max)),
            RaftMessage(from: "a", to: "b", term: term, kind: .snapshot(Snapshot(metadata: SnapshotMetadata(index: .max, term: term, voters: []), data: []))),
            RaftMessage(from: "a", to: "b", term: term, kind: .snapshot(Snapshot(metadata: SnapshotMetadata(index: 50, term: term + 1, voters: []), data: []))),
            RaftMessage(from: "c", to: "b", term: term, kind: .readIndexResponse(requestID: 1, index: 1)),
        ]
        for message in junk { b.step(message) }
        #expect(b.term == term)
        #expect(b.lastIndex == lastIndex)
        #expect(b.commitIndex <= b.lastIndex)
        #expect(b.ready().readStates.isEmpty)  // only the leader answers forwarded reads
        var a = cluster["a"]
        a.step(RaftMessage(from: "b", to: "a", term: term, kind: .appendAccepted(matchIndex: .max)))
        a.step(RaftMessage(from: "b", to: "a", term: term, kind: .appendRejected(rejectedIndex: .max, conflictIndex: .max, conflictTerm: .max)))
        a.step(RaftMessage(from: "b", to: "a", term: term, kind: .appendRejected(rejectedIndex: 0, conflictIndex: 0, conflictTerm: 0)))
        // A heartbeat context that was never sent does not confirm reads.
        a.step(RaftMessage(from: "b", to: "a", term: term, kind: .heartbeatResponse(context: .max)))
        a.step(RaftMessage(from: "c", to: "a", term: term, kind: .heartbeatResponse(context: .max)))
        a.readIndex(requestID: 3)
        _ = a.ready()  // sends the read's heartbeat round
        a.step(RaftMessage(from: "b", to: "a", term: term, kind: .heartbeatResponse(context: 0)))
        #expect(a.ready().readStates.isEmpty)
        #expect(a.role == .leader)
        #expect(a.commitIndex <= a.lastIndex)
    }
}

final class Counter {
    var value = 0
}
