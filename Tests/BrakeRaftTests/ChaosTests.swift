import BrakeRaft
import Testing

/// Seeded random runs over a hostile network (loss, duplication, reordering, partitions,
/// crashes, compaction), checking Raft's safety properties after every delivery and
/// convergence after healing. A smoke test for the core; BrakeSim goes much further.
@Suite struct ChaosTests {
    @Test(arguments: 1...8 as ClosedRange<UInt64>)
    func safetyHoldsUnderChaos(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let ids = ["a", "b", "c", "d", "e"]
        var cluster = Cluster(ids) { $0.maxBatchEntries = 4; $0.maxInflightMessages = 4 }
        var leaderOfTerm: [UInt64: NodeID] = [:]
        var appliedAt: [UInt64: Entry] = [:]
        var proposals = 0

        func check(_ cluster: Cluster) {
            for id in ids where !cluster.down.contains(id) && cluster[id].role == .leader {
                let term = cluster[id].term
                if let other = leaderOfTerm[term] {
                    #expect(other == id, "two leaders in term \(term)")
                }
                leaderOfTerm[term] = id
            }
            for id in ids {
                for entry in cluster.applied[id] ?? [] {
                    if let seen = appliedAt[entry.index] {
                        #expect(seen == entry, "state machine safety at \(entry.index)")
                    } else {
                        appliedAt[entry.index] = entry
                    }
                }
            }
        }

        for step in 0..<5_000 {
            switch random.next(upperBound: 100) {
            case 0..<30:
                for id in ids where !cluster.down.contains(id) { cluster[id].tick() }
                cluster.drain()
            case 30..<40:
                if let leader = cluster.leaders.randomElement(using: &random) {
                    proposals += 1
                    _ = try? cluster[leader].propose(Array("p\(proposals)".utf8))
                    cluster.drain()
                }
            case 40..<42:
                let id = ids[random.next(upperBound: ids.count)]
                if cluster.down.contains(id) {
                    cluster.start(id, applied: cluster.appliedIndex[id] ?? 0)
                } else if cluster.down.count < 2 {
                    cluster.crash(id)
                }
            case 42..<44:
                // Cut off up to two nodes (a minority).
                cluster.isolated = random.next(upperBound: 2) == 0 ? [] : Set((0..<2).map { _ in ids[random.next(upperBound: ids.count)] })
            case 44..<45:
                let id = ids[random.next(upperBound: ids.count)]
                if !cluster.down.contains(id), cluster[id].appliedIndex > cluster[id].firstIndex + 3 {
                    cluster.compact(id, through: cluster[id].appliedIndex - 2)
                }
            default:
                guard !cluster.network.isEmpty else { continue }
                let message = cluster.network.remove(at: random.next(upperBound: cluster.network.count))
                let fate = random.next(upperBound: 10)
                if fate == 0 { continue }  // lost
                if fate == 1 { cluster.network.append(message) }  // duplicated
                guard cluster.reachable(message) else { continue }
                cluster[message.to].step(message)
                cluster.drain()
            }
            if step % 10 == 0 { check(cluster) }
        }
        // Heal everything and let the group settle: every node converges on one log.
        cluster.isolated = []
        for id in ids where cluster.down.contains(id) { cluster.start(id, applied: cluster.appliedIndex[id] ?? 0) }
        cluster.tick(60)
        check(cluster)
        let leaders = cluster.leaders
        try #require(leaders.count == 1)
        _ = try cluster.propose(leaders[0], "final")
        cluster.tick(5)
        check(cluster)
        let commit = cluster[leaders[0]].commitIndex
        for id in ids {
            #expect(cluster.appliedIndex[id] == commit, "\(id) did not converge")
        }
        #expect(commit > 10)  // progress was made despite the chaos
    }
}
