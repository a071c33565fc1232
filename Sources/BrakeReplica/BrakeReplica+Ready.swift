import BrakeCore
import BrakeLog
import BrakeRaft

/// The one output of the core: what the shell must do, in order.
extension BrakeReplica {
    /// Whether `ready()` has anything for the shell.
    public var hasReady: Bool {
        !pending.isEmpty || !pool.writes.isEmpty || (halted == nil && raft.hasReady)
    }

    /// Drains what the core asks of the shell: Raft's next `Ready` turned into node terms (its
    /// committed entries applied to the registry, its snapshot restored into one, its messages
    /// wrapped as `PeerMessage`s and snapshots cut into chunks), plus what earlier inputs produced.
    /// Call it until `hasReady` is false, carrying out each batch in its documented order.
    public mutating func ready() -> ReplicaReady {
        if halted == nil, raft.hasReady {
            let step = raft.ready()
            pending.hardState = step.hardState
            pending.entries = step.entries
            notePromotions(step.entries)
            // Stamps never decrease along the log: a future leader stamps above every entry it holds.
            for entry in step.entries where !entry.isNoop {
                if let stamp = LogRecord.stamp(of: entry.data) { lastStamp = max(lastStamp, stamp) }
            }
            pending.softState = step.softState
            if let snapshot = step.snapshot {
                install(snapshot)
            } else if let v = validated {
                // Raft already held everything the snapshot covers: nothing to install.
                validated = nil
                pending.messages.append(PeerMessage(from: nodeID, to: v.leader, body: .snapshotStatus(SnapshotStatus(
                    index: v.metadata.index, term: v.metadata.term, received: 0, state: .installed))))
            }
            noteHeartbeatsSent(step.messages)
            for message in step.messages {
                if case .snapshot(let asked) = message.kind {
                    // A snapshot's data is encoded only now that a follower needs it; when it cannot
                    // be (the registry loads) or belongs to a newer snapshot, Raft probes again later.
                    guard let snapshot = snapshotToSend(asked) else {
                        raft.reportSnapshot(message.to, index: asked.metadata.index, .failed)
                        continue
                    }
                    startTransfer(to: message.to, snapshot, term: message.term)
                } else {
                    pending.messages.append(PeerMessage(from: nodeID, to: message.to, body: .raft(message)))
                }
            }
            if let soft = step.softState {
                if soft.role != .leader { outgoing.removeAll() }
                for leader in Set(forwarded.values.map(\.leader)) where leader != soft.leader {
                    abandonForwards(to: leader, because: "\(leader) stopped leading")
                }
            }
            for entry in step.committedEntries where halted == nil {
                apply(entry)
            }
            revalidatePoolAfterBatch()
            for read in step.readStates {
                reads[read.requestID]?.index = read.index
            }
            answerReads()
            maybeCompact()
            followCharter()
            notePeerChanges()
        }
        pending.pool = pool.takeWrites()
        let out = pending
        pending = ReplicaReady()
        return out
    }

    /// Applies one committed entry to the registry and answers whoever waits for it.
    mutating func apply(_ entry: Entry) {
        guard entry.index > registry.appliedIndex, !deferWhileLoading(entry) else { return }
        let ahead = verifiedAhead.removeValue(forKey: entry.index)
        if verifiedAhead.count >= Self.verifiedAheadLimit / 2 {
            // Memos of entries a snapshot skipped or a new leader replaced: drop what is behind.
            verifiedAhead = verifiedAhead.filter { $0.key > entry.index }
        }
        let memo = inFlight[entry.index]?.memo ?? ahead ?? .none
        let parsed = inFlight[entry.index]?.parsed
        // A membership change is Raft's own: a no-op for the registry (its history keeps the data).
        let committed = CommittedData(entry.isConfEntry ? [] : entry.data)
        let result = registry.apply(index: entry.index, committed: committed, memo: memo, parsed: parsed)
        let writes = zip(result.changed, result.rows).map { (key: $0.bytes, value: $1) }
        let leaf = committed.record.map { LogLeaf(entryIndex: entry.index, record: $0) }
        lastStamp = max(lastStamp, registry.lastTime)
        pending.applied.append(AppliedEntry(entry: entry, result: result, writes: writes, leaf: leaf))
        poolNoteApplied(result)
        gossip.lastApplied = entry
        inFlight[entry.index] = nil
        checkpointEntryApplied(leaf, charterChanged: result.charterChanged)
        for waiter in submitWaiters.removeValue(forKey: entry.index) ?? [] {
            if waiter.term == entry.term {
                answerSubmit(waiter.origin, .applied(result.outcome, index: entry.index))
            } else {
                answerSubmit(waiter.origin, .refused(.node(NodeError(
                    .dropped, "a new leader replaced the entry at index \(entry.index) before it committed; resubmit"))))
            }
        }
    }
}
