import BrakeCore
import BrakeRaft
import BrakeReplica

/// How a simulated node carries out each `ReplicaReady`, in the order `braked`'s shell follows:
/// persist, then send, then write the applied rows, then compact, then answer. Crashes can strike
/// between the steps. The core decided everything in the batch; the observer only checks it.
extension Simulation {
    /// Drains node `i`'s batches and records what the observer learns from them.
    mutating func handleReady(_ i: Int) {
        while violation == nil, nodes[i].replica?.hasReady == true {
            observeRole(i)
            guard let ready = nodes[i].replica?.ready() else { return }
            carryOut(i, ready)
            guard nodes[i].isUp else { return }
        }
        if let replica = nodes[i].replica { nodes[i].registry = replica.registry }
    }

    mutating func carryOut(_ i: Int, _ ready: ReplicaReady) {
        var crashStage: Int?
        // Only batches that carry Raft's own work count (freshness probes and echoes do not), so
        // a scheduled crash lands among the persists and appends it is meant to interrupt.
        let raftWork = ready.hardState != nil || !ready.entries.isEmpty
            || ready.messages.contains { if case .raft = $0.body { true } else { false } }
        if let pending = pendingMidReadyCrash, pending.node == i, raftWork {
            if pending.skip > 0 {
                pendingMidReadyCrash?.skip -= 1
            } else {
                crashStage = pending.stage
                pendingMidReadyCrash = nil
            }
        }
        if crashStage == 0 {
            crash(i, why: "before persisting a Ready")
            return
        }
        // 1. Persist.
        persist(i, ready)
        if violation != nil { return }
        observeCheckpoints(i, ready.checkpoints)
        if violation != nil { return }
        observeLeaderLog(i)
        if crashStage == 1 {
            crash(i, why: "after persisting, before sending")
            return
        }
        // 2. Send.
        for message in ready.messages {
            network.send(message, now: UInt64(stepCount), random: &random)
        }
        if crashStage == 2 {
            crash(i, why: "after sending, before applying")
            return
        }
        // 3. Applied rows.
        for applied in ready.applied {
            observeApplied(i, applied)
            if violation != nil { return }
            nodes[i].store.write(applied)
        }
        nodes[i].store.writePool(ready.pool)
        // 4. Compaction.
        if let snapshot = ready.compaction {
            nodes[i].store.compact(snapshot)
            compactions += 1
            note("\(nodes[i].id) compacted through \(snapshot.metadata.index)")
        }
        // 5. Answers.
        for answer in ready.answers {
            clientAnswered(i, answer)
            if violation != nil { return }
        }
    }

    /// Election safety: records the node as leader of its term, if it is one.
    mutating func observeRole(_ i: Int) {
        guard let raft = nodes[i].raft, raft.role == .leader else { return }
        if let problem = history.recordLeader(nodes[i].id, term: raft.term) {
            fail(.electionSafety, problem)
        } else if checkedLeaderTerm[i] != raft.term {
            note("\(nodes[i].id) leads term \(raft.term)")
            // A new leader may crash within its first few Readies: its no-op and the entries it
            // is catching followers up with are then only partly replicated.
            if stepCount <= faultSteps, pendingMidReadyCrash == nil, random.chance(faults.newLeaderCrash) {
                pendingMidReadyCrash = (i, random.next(upperBound: 3), random.next(upperBound: 4))
            }
        }
    }

    /// Leader completeness when a node first acts as leader of a term, and the commits a leader
    /// makes. Runs after persisting, when the store holds the leader's whole log.
    mutating func observeLeaderLog(_ i: Int) {
        guard let raft = nodes[i].raft, raft.role == .leader else { return }
        let store = nodes[i].store
        if checkedLeaderTerm[i] != raft.term {
            checkedLeaderTerm[i] = raft.term
            if let problem = history.checkLeaderCompleteness(
                node: nodes[i].id, term: raft.term, snapshotIndex: store.snapshotIndex, lastIndex: store.lastIndex,
                chainAt: { store.chain(at: $0) })
            {
                fail(.leaderCompleteness, problem)
                return
            }
        }
        if raft.commitIndex > history.committedIndex, let t = store.term(at: raft.commitIndex), t < raft.term {
            oldTermCommits += 1
        }
        history.recordCommit(
            through: min(raft.commitIndex, store.lastIndex), leaderTerm: raft.term,
            termAt: { store.term(at: $0) }, chainAt: { store.chain(at: $0) })
    }

    /// Makes step 1 durable, checking log matching on every new entry and that no committed
    /// entry is overwritten.
    mutating func persist(_ i: Int, _ ready: ReplicaReady) {
        let id = nodes[i].id
        var snapshotChain: UInt64 = 0
        if let install = ready.install {
            let metadata = install.snapshot.metadata
            guard let chain = history.chain(at: SimulationHistory.Position(index: metadata.index, term: metadata.term)) else {
                fail(.persistence, "\(id) installed a snapshot through index \(metadata.index) term \(metadata.term) that no node ever persisted")
                return
            }
            snapshotChain = chain
        }
        if let first = ready.entries.first {
            let store = nodes[i].store
            let allowed = ready.install.map { ($0.snapshot.metadata.index + 1)...($0.snapshot.metadata.index + 1) }
                ?? (store.snapshotIndex + 1)...(store.lastIndex + 1)
            guard allowed.contains(first.index) else {
                fail(.persistence, "\(id) was asked to persist entries from index \(first.index) onto a log ending at \(store.lastIndex) (snapshot \(store.snapshotIndex))")
                return
            }
            for (offset, entry) in ready.entries.enumerated() where entry.index != first.index + UInt64(offset) {
                fail(.persistence, "\(id) was asked to persist non-contiguous entries (index \(entry.index) at offset \(offset))")
                return
            }
            let commit = nodes[i].store.hardState.commit
            if first.index <= commit, ready.install == nil,
               let stored = nodes[i].store.entry(at: first.index), stored != first {
                fail(.persistence, "\(id) was asked to overwrite committed index \(first.index) (commit \(commit))")
                return
            }
        }
        nodes[i].store.persist(ready, snapshotChain: snapshotChain)
        if let install = ready.install {
            snapshotsInstalled += 1
            nodes[i].restored = true
            note("\(id) installed a snapshot through \(install.snapshot.metadata.index)")
        }
        for entry in ready.entries {
            let position = SimulationHistory.Position(index: entry.index, term: entry.term)
            guard let chain = nodes[i].store.chain(at: entry.index) else { continue }
            if let problem = history.recordPersisted(position, chain: chain, node: id) {
                fail(.logMatching, problem)
                return
            }
        }
        if let hard = ready.hardState, hard.commit > nodes[i].store.lastIndex {
            fail(.persistence, "\(id) persisted commit index \(hard.commit) beyond its stored log (last index \(nodes[i].store.lastIndex))")
        }
    }

    /// Checks one entry the core applied: state machine safety, the durability of acknowledged
    /// entries, leader time never running backwards, and the registry's verdict on entries known
    /// to be invalid.
    mutating func observeApplied(_ i: Int, _ applied: AppliedEntry) {
        let id = nodes[i].id
        let entry = applied.entry
        guard entry.index == nodes[i].store.appliedIndex + 1 else {
            fail(.persistence, "\(id) was handed index \(entry.index) to apply after applying \(nodes[i].store.appliedIndex)")
            return
        }
        let firstTime = entry.index > UInt64(history.applied.count)
        if let (kind, problem) = history.recordApplied(entry, node: id) {
            fail(kind, problem)
            return
        }
        if firstTime {
            observeFirstApplied(i, applied)
            if violation != nil { return }
        }
        if checksEnabled, entry.index == audit.lastIndex + 1 {
            let before = audit.effectiveTime
            audit.read(index: entry.index, data: entry.data)
            if !entry.isNoop, let stamp = LogRecord.stamp(of: entry.data), stamp < before {
                fail(.timeMonotonicity, "index \(entry.index) carries leader time \(stamp), before the \(before) of an earlier entry")
                return
            }
            if !entry.isNoop, let stamp = LogRecord.stamp(of: entry.data), let bound = committedStampBound, stamp > bound {
                fail(.timeBound, "index \(entry.index) (term \(entry.term)) committed leader time \(stamp), \(stamp - bound) ms beyond the latest honest wall clock plus the charter's skew (\(bound))")
                return
            }
        }
        if case .accepted(let receipt) = applied.result.outcome,
           let code = clients.knownInvalid[SimulationHistory.Position(index: entry.index, term: entry.term)] {
            fail(.admission, "\(id) accepted at index \(entry.index) a declaration that must fail with \(code) (receipt \(receipt.kind) \(receipt.id.prefix(12)) state \(receipt.state ?? "-"))")
        }
    }
}
