import BrakeCore
import BrakeRaft

/// Fault injection: partitions (symmetric and one-way), heals, crashes (between inputs or in the
/// middle of a `Ready`), restarts from the durable store, leadership transfers and log compaction.
extension Simulation {
    mutating func injectFaults() {
        if !network.isPartitioned, nodeCount > 1, random.chance(faults.partition) {
            startPartition()
        } else if network.isPartitioned, random.chance(faults.heal) {
            network.heal()
            note("partition healed")
        }
        let up = (0..<nodeCount).filter { nodes[$0].isUp }
        if up.count > 1, pendingMidReadyCrash == nil, random.chance(faults.crash), let victim = random.pick(up) {
            if random.chance(faults.crashMidReady) {
                pendingMidReadyCrash = (victim, random.next(upperBound: 3), 0)
            } else {
                crash(victim, why: "between inputs")
            }
        }
        if pendingMidReadyCrash == nil, random.chance(faults.leaderCrash),
           let leader = (0..<nodeCount).first(where: { nodes[$0].raft?.role == .leader }) {
            if random.chance(faults.crashMidReady) {
                pendingMidReadyCrash = (leader, random.next(upperBound: 3), random.next(upperBound: 3))
            } else {
                crash(leader, why: "(targeted: the leader)")
            }
        }
        if nodeCount > 1, random.chance(faults.transfer),
           let leader = (0..<nodeCount).first(where: { nodes[$0].raft?.role == .leader }),
           let target = random.pick(federation.nodeIDs.filter { $0 != nodes[leader].id }) {
            do {
                try nodes[leader].raft?.transferLeadership(to: target)
                note("\(nodes[leader].id) transfers leadership to \(target)")
            } catch {
                note("\(nodes[leader].id) refused to transfer leadership: \(error)")
            }
            handleReady(leader)
        }
        for i in 0..<nodeCount where !nodes[i].isUp && random.chance(faults.restart) {
            restart(i)
        }
    }

    /// Cuts the network: a random split, the leader isolated, or a one-way cut.
    mutating func startPartition() {
        partitions += 1
        let ids = federation.nodeIDs
        let leader = nodes.first { $0.raft?.role == .leader }?.id
        var shuffled = ids
        for i in stride(from: shuffled.count - 1, to: 0, by: -1) {
            shuffled.swapAt(i, random.next(upperBound: i + 1))
        }
        if random.chance(faults.asymmetricShare) {
            // One way: the first group stops hearing the second (often: nobody hears the leader,
            // while the leader still hears everybody).
            let unheard = leader.flatMap { random.chance(0.5) ? [$0] : nil } ?? [shuffled[0]]
            let deaf = ids.filter { !unheard.contains($0) && random.chance(0.7) }
            guard !deaf.isEmpty else { return }
            network.cutOneWay(from: unheard, to: deaf)
            note("one-way partition: \(deaf) stop hearing \(unheard)")
            return
        }
        let side: [NodeID]
        if let leader, random.chance(0.5) {
            side = [leader]
        } else {
            side = Array(shuffled.prefix(1 + random.next(upperBound: ids.count - 1)))
        }
        let rest = ids.filter { !side.contains($0) }
        network.partition(side, rest)
        note("partition: \(side) | \(rest)")
    }

    /// Crashes node `i`: everything not persisted is lost, and so are its messages in flight.
    mutating func crash(_ i: Int, why: String) {
        guard nodes[i].isUp else { return }
        crashes += 1
        nodes[i].raft = nil
        network.dropAll(involving: nodes[i].id)
        clients.nodeCrashed(i)
        if pendingMidReadyCrash?.node == i { pendingMidReadyCrash = nil }
        note("\(nodes[i].id) crashed \(why)")
    }

    /// Starts node `i` from its store: the registry from the stored snapshot plus the stored
    /// committed entries, the Raft core from the stored hard state, snapshot and entries.
    mutating func start(_ i: Int) {
        let store = nodes[i].store
        var registry = Registry(charter: federation.charter)
        var applied: UInt64 = 0
        var stamp: Millis = 0
        if let snapshot = store.snapshot {
            guard let restored = SimulatedNode.registry(fromSnapshot: snapshot.data, charter: federation.charter) else {
                fail(.persistence, "\(nodes[i].id) cannot restore its own stored snapshot")
                return
            }
            registry = restored
            applied = snapshot.metadata.index
            stamp = restored.lastTime
        }
        nodes[i].registry = registry
        nodes[i].applied = applied
        nodes[i].checkedApplied = nil
        nodes[i].restored = true
        let commit = store.hardState.commit
        if commit > applied {
            for index in (applied + 1)...commit {
                guard let entry = store.entry(at: index) else {
                    fail(.persistence, "\(nodes[i].id) stored commit index \(commit) but has no entry \(index)")
                    return
                }
                applyEntry(i, entry)
                if violation != nil { return }
            }
        }
        for entry in store.entries {
            if let s = history.stamps[SimulationHistory.Position(index: entry.index, term: entry.term)] { stamp = max(stamp, s) }
        }
        nodes[i].lastStamp = stamp
        var config = raftConfig
        config.id = nodes[i].id
        var raft = RaftNode(
            config: config, hardState: store.hardState, snapshot: store.snapshot, entries: store.entries,
            applied: nodes[i].applied, random: random.fork(UInt64(i) << 32 | nodes[i].restarts)
        )
        raft.testing = testing
        nodes[i].raft = raft
        nodes[i].restarts += 1
    }

    mutating func restart(_ i: Int) {
        start(i)
        note("\(nodes[i].id) restarted at term \(nodes[i].store.hardState.term), commit \(nodes[i].store.hardState.commit)")
    }

    /// Faults stop: the network heals and turns reliable, crashed nodes restart.
    mutating func beginQuiet() {
        quietSince = stepCount
        pendingMidReadyCrash = nil
        network.heal()
        network.lossy = false
        for i in 0..<nodeCount where !nodes[i].isUp {
            restart(i)
        }
        note("faults stop")
    }

    /// Now and then a node folds its applied entries into a snapshot, so that lagging followers
    /// need one.
    mutating func maybeCompact() {
        guard random.chance(faults.compaction) else { return }
        let candidates = (0..<nodeCount).filter { nodes[$0].isUp && nodes[$0].applied >= nodes[$0].store.snapshotIndex + 4 }
        guard let i = random.pick(candidates), let data = nodes[i].snapshotData() else { return }
        let through = nodes[i].applied
        do {
            try nodes[i].raft?.compact(through: through, snapshotData: data)
        } catch {
            fail(.persistence, "\(nodes[i].id) could not compact through its applied index \(through): \(error)")
            return
        }
        guard let snapshot = nodes[i].raft?.snapshot else { return }
        nodes[i].store.compact(snapshot)
        compactions += 1
        note("\(nodes[i].id) compacted through \(through)")
    }
}
