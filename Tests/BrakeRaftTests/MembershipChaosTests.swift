import BrakeRaft
import Testing

/// Seeded random runs in which the leader adds, promotes and removes nodes (itself included)
/// while the network loses, duplicates and reorders messages and nodes crash and are cut off.
/// Checked after every few steps: one leader per term across all configurations, every leader
/// a voter of its own membership when elected (or one whose removal is uncommitted), and no two
/// nodes applying different entries at one index; after healing, every member converges on the
/// leader's log and membership.
@Suite struct MembershipChaosTests {
    @Test(arguments: 1...12 as ClosedRange<UInt64>)
    func safetyHoldsWhileTheMembershipChanges(seed: UInt64) throws {
        var random = SplitMix64(seed: seed &* 7_777)
        let ids = ["a", "b", "c", "d", "e", "f"]
        var cluster = Cluster(ids, voters: ["a", "b", "c"]) { $0.maxBatchEntries = 4; $0.maxInflightMessages = 4 }
        var leaderOfTerm: [UInt64: NodeID] = [:]
        var appliedAt: [UInt64: Entry] = [:]
        var proposals = 0
        var changesCommitted = Set<UInt64>()

        func check(_ cluster: Cluster) {
            for id in ids where !cluster.down.contains(id) && cluster[id].role == .leader {
                let term = cluster[id].term
                if let other = leaderOfTerm[term] {
                    #expect(other == id, "two leaders in term \(term)")
                } else {
                    // A voter, or one whose removal is not yet committed (thesis §4.2.2).
                    #expect(
                        cluster[id].voters.contains(id) || cluster[id].confChangePending,
                        "\(id) was elected in term \(term) without being a voter")
                }
                leaderOfTerm[term] = id
            }
            for id in ids {
                for entry in cluster.applied[id] ?? [] {
                    if let seen = appliedAt[entry.index] {
                        #expect(seen == entry, "state machine safety at \(entry.index)")
                    } else {
                        appliedAt[entry.index] = entry
                        if entry.confChange != nil { changesCommitted.insert(entry.index) }
                    }
                }
            }
        }

        for step in 0..<6_000 {
            switch random.next(upperBound: 100) {
            case 0..<30:
                for id in ids where !cluster.down.contains(id) { cluster[id].tick() }
                cluster.drain()
            case 30..<38:
                if let leader = cluster.leaders.randomElement(using: &random) {
                    proposals += 1
                    _ = try? cluster[leader].propose(Array("p\(proposals)".utf8))
                    cluster.drain()
                }
            case 38..<42:
                if let leader = cluster.leaders.randomElement(using: &random) {
                    let membership = cluster[leader].membership
                    let node = ids[random.next(upperBound: ids.count)]
                    let change: ConfChange =
                        membership.learners.contains(node)
                        ? (random.next(upperBound: 4) == 0 ? .remove(node) : .promote(node))
                        : membership.voters.contains(node) ? .remove(node) : .addLearner(node)
                    _ = try? cluster[leader].proposeConfChange(change)
                    cluster.drain()
                }
            case 42..<44:
                let id = ids[random.next(upperBound: ids.count)]
                if cluster.down.contains(id) {
                    cluster.start(id, applied: cluster.appliedIndex[id] ?? 0)
                } else if cluster.down.count < 2 {
                    cluster.crash(id)
                }
            case 44..<46:
                cluster.isolated = random.next(upperBound: 2) == 0 ? [] : [ids[random.next(upperBound: ids.count)]]
            case 46..<47:
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
        // Heal everything: one leader, and every member of its membership converges on its log.
        cluster.isolated = []
        for id in ids where cluster.down.contains(id) { cluster.start(id, applied: cluster.appliedIndex[id] ?? 0) }
        cluster.tick(80)
        check(cluster)
        let top = cluster.leaders.map { cluster[$0].term }.max()
        let leaders = cluster.leaders.filter { cluster[$0].term == top }
        let states = ids.map { id in
            let n = cluster[id]
            return "\(id): \(n.role) t\(n.term) last \(n.lastIndex)/\(n.lastTerm) commit \(n.commitIndex) \(n.membership) leader \(n.leader ?? "-")"
        }
        try #require(leaders.count == 1, "leaders after healing: \(cluster.leaders)\n\(states.joined(separator: "\n"))")
        let leader = leaders[0]
        _ = try cluster.propose(leader, "final")
        cluster.tick(5)
        check(cluster)
        let commit = cluster[leader].commitIndex
        for id in cluster[leader].membership.members {
            #expect(cluster.appliedIndex[id] == commit, "member \(id) did not converge")
            #expect(cluster[id].membership == cluster[leader].membership, "member \(id) disagrees on the membership")
        }
        #expect(changesCommitted.count >= 2, "too few membership changes committed to mean anything")
    }
}
