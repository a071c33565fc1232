import BrakeCore
import BrakeRaft

/// How a simulated node handles each `Ready`, in the order `braked` must follow: persist, then
/// send, then apply. Crashes can strike between the three.
extension Simulation {
    /// Drains node `i`'s `Ready` (if any) and records what the observer learns from it.
    mutating func handleReady(_ i: Int) {
        guard violation == nil, let hasReady = nodes[i].raft?.hasReady else { return }
        observeRole(i)
        guard hasReady, let ready = nodes[i].raft?.ready() else { return }

        var crashStage: Int?
        if let pending = pendingMidReadyCrash, pending.node == i,
           ready.hardState != nil || !ready.entries.isEmpty || !ready.messages.isEmpty {
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
        // 3. Apply.
        if let snapshot = ready.snapshot {
            installSnapshot(i, snapshot)
        }
        for entry in ready.committedEntries {
            applyEntry(i, entry)
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

    /// Makes the `Ready`'s snapshot, entries and hard state durable, checking log matching on
    /// every new entry and that no committed entry is overwritten.
    mutating func persist(_ i: Int, _ ready: Ready) {
        let id = nodes[i].id
        if let snapshot = ready.snapshot {
            let chain = SimSnapshotData(bytes: snapshot.data)?.chain ?? 0
            let position = SimulationHistory.Position(index: snapshot.metadata.index, term: snapshot.metadata.term)
            if let problem = history.recordPersisted(position, chain: chain, node: id) {
                fail(.logMatching, problem)
                return
            }
        }
        if let first = ready.entries.first {
            let store = nodes[i].store
            let allowed = ready.snapshot.map { ($0.metadata.index + 1)...($0.metadata.index + 1) }
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
            if first.index <= commit, ready.snapshot == nil,
               let stored = nodes[i].store.entry(at: first.index), stored != first {
                fail(.persistence, "\(id) was asked to overwrite committed index \(first.index) (commit \(commit))")
                return
            }
        }
        nodes[i].store.persist(ready)
        if ready.snapshot != nil {
            snapshotsInstalled += 1
            note("\(id) installed a snapshot through \(ready.snapshot?.metadata.index ?? 0)")
        }
        for entry in ready.entries {
            let position = SimulationHistory.Position(index: entry.index, term: entry.term)
            guard let chain = nodes[i].store.chain(at: entry.index) else { continue }
            if let problem = history.recordPersisted(position, chain: chain, node: id) {
                fail(.logMatching, problem)
                return
            }
            if let stamp = history.stamps[position] {
                nodes[i].lastStamp = max(nodes[i].lastStamp, stamp)
            }
        }
        if let hard = ready.hardState, hard.commit > nodes[i].store.lastIndex {
            fail(.persistence, "\(id) persisted commit index \(hard.commit) beyond its stored log (last index \(nodes[i].store.lastIndex))")
        }
    }

    /// Replaces node `i`'s registry with the snapshot's.
    mutating func installSnapshot(_ i: Int, _ snapshot: Snapshot) {
        guard let registry = SimulatedNode.registry(fromSnapshot: snapshot.data, charter: federation.charter) else {
            fail(.persistence, "\(nodes[i].id) received a snapshot through \(snapshot.metadata.index) that does not restore")
            return
        }
        nodes[i].registry = registry
        nodes[i].restored = true
        nodes[i].applied = snapshot.metadata.index
        nodes[i].lastStamp = max(nodes[i].lastStamp, registry.lastTime)
    }

    /// Applies one committed entry to node `i`'s registry, checking state machine safety, the
    /// durability of acknowledged entries and the registry's verdict on known-invalid entries.
    mutating func applyEntry(_ i: Int, _ entry: Entry) {
        let id = nodes[i].id
        guard entry.index == nodes[i].applied + 1 else {
            fail(.persistence, "\(id) was handed index \(entry.index) to apply after applying \(nodes[i].applied)")
            return
        }
        if let (kind, problem) = history.recordApplied(entry, node: id) {
            fail(kind, problem)
            return
        }
        if checksEnabled, entry.index == audit.lastIndex + 1 {
            let before = audit.effectiveTime
            audit.read(index: entry.index, data: entry.data)
            if let stamp = history.stamps[SimulationHistory.Position(index: entry.index, term: entry.term)], stamp < before {
                fail(.timeMonotonicity, "index \(entry.index) carries leader time \(stamp), before the \(before) of an earlier entry")
                return
            }
        }
        let result = nodes[i].registry.apply(index: entry.index, data: entry.data)
        nodes[i].applied = entry.index
        if case .accepted(let receipt) = result.outcome,
           let code = clients.knownInvalid[SimulationHistory.Position(index: entry.index, term: entry.term)] {
            fail(.admission, "\(id) accepted at index \(entry.index) a declaration that must fail with \(code) (receipt \(receipt.kind) \(receipt.id.prefix(12)) state \(receipt.state ?? "-"))")
            return
        }
        clientApplied(i, entry, outcome: result.outcome)
    }
}
