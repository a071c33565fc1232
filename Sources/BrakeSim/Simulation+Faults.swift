import BrakeCore
import BrakeRaft
import BrakeReplica

/// Fault injection: partitions (symmetric and one-way), heals, crashes (between inputs or in the
/// middle of a `Ready`), restarts from the durable store, and leadership transfers. (Snapshots
/// are the core's own decision, every `snapshotInterval` applied entries.)
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
                try nodes[leader].replica?.transferLeadership(to: target)
                note("\(nodes[leader].id) transfers leadership to \(target)")
            } catch {
                note("\(nodes[leader].id) refused to transfer leadership: \(error)")
            }
            handleReady(leader)
        }
        for i in 0..<nodeCount where !nodes[i].isUp && !nodes[i].dormant && random.chance(faults.restart) {
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
        nodes[i].replica = nil
        network.dropAll(involving: nodes[i].id)
        clients.nodeCrashed(i)
        if pendingMidReadyCrash?.node == i { pendingMidReadyCrash = nil }
        note("\(nodes[i].id) crashed \(why)")
    }

    /// Starts node `i` from its store, as `braked` starts from LMDB: the core restores Raft from
    /// the stored hard state, snapshot and entries, and the registry from the stored rows; it then
    /// re-applies the committed entries the registry has not seen.
    mutating func start(_ i: Int) {
        let store = nodes[i].store
        let registry: Registry
        do {
            registry = try store.registry(charter: federation.charter)
        } catch {
            fail(.persistence, "\(nodes[i].id) cannot read its own stored registry: \(error)")
            return
        }
        var config = replicaConfig
        if let censor, censor.node == i { config.testing.censoredParty = censor.party }
        config.checkpointTesting.forkAtNextLeaf = forkedCheckpoints.contains(nodes[i].id)
        config.joining = federation.charter.node(id: nodes[i].id) == nil
        config.introducers = nodes[i].introducers
        do {
            var stored = BrakeReplica.Stored(
                hardState: store.hardState, snapshot: store.snapshot, entries: store.entries, registry: registry,
                pool: store.pooledEnvelopes)
            stored.checkpoints = store.checkpoints.stored(charterChanges: registry.charterHistory.dropFirst().map(\.index))
            nodes[i].replica = try BrakeReplica(
                charter: federation.charter, nodeID: nodes[i].id, config: config,
                stored: stored, now: nodes[i].time, random: random.fork(UInt64(i) << 32 | nodes[i].restarts),
                checkpointKey: federation.checkpointKey(of: nodes[i].id))
        } catch {
            fail(.persistence, "\(nodes[i].id) refused to start from its store: \(error)")
            return
        }
        nodes[i].registry = registry
        nodes[i].checkedApplied = nil
        nodes[i].restored = true
        nodes[i].restarts += 1
        handleReady(i)
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
        for i in 0..<nodeCount where !nodes[i].isUp && !nodes[i].dormant {
            restart(i)
        }
        note("faults stop")
    }
}
