import BrakeCore
import BrakeRaft

/// The follower's side of a snapshot transfer (Specs/consensus.md, "Snapshot transfer"): it
/// assembles the chunks of one snapshot from one leader, answers every chunk with how many bytes
/// it holds from the start, validates the whole and hands it to Raft, and says plainly when it
/// needs nothing more (`installed`) or cannot take it (`failed`), so the leader never waits on a
/// transfer that cannot end.
extension BrakeReplica {
    /// A snapshot being received from the leader.
    struct SnapshotAssembly: Sendable {
        var leader: NodeID
        /// The highest term of the leader's chunks so far: Raft gets the snapshot in it.
        var term: UInt64
        var metadata: SnapshotMetadata
        var totalBytes: Int
        var data: [UInt8]
        /// Chunks that arrived ahead of a missing one, by offset (the network may reorder them).
        var ahead: [UInt64: [UInt8]] = [:]

        /// Whether `chunk` from `leader` is of this snapshot. The term is not compared: a leader's
        /// snapshot of an index is the same bytes in every term, so a transfer the leader starts
        /// again after a new election continues from what is held.
        func holds(_ chunk: SnapshotChunk, from leader: NodeID) -> Bool {
            self.leader == leader && metadata == chunk.metadata && totalBytes == Int(chunk.totalBytes)
        }

        /// Bytes kept aside in `ahead`.
        var aheadBytes = 0

        /// Adds `chunk`: in place, or kept aside when it starts past a missing piece (at most
        /// `aheadLimit` bytes aside). A chunk of bytes already held is a duplicate and changes nothing.
        mutating func add(_ chunk: SnapshotChunk, aheadLimit: Int) {
            let held = UInt64(data.count)
            let end = chunk.offset + UInt64(chunk.data.count)
            if chunk.offset <= held, end > held {
                data.append(contentsOf: chunk.data[Int(held - chunk.offset)...])
                while let offset = ahead.keys.min(), offset <= UInt64(data.count), let piece = ahead.removeValue(forKey: offset) {
                    aheadBytes -= piece.count
                    let have = UInt64(data.count)
                    if offset + UInt64(piece.count) > have { data.append(contentsOf: piece[Int(have - offset)...]) }
                }
            } else if chunk.offset > held, !chunk.data.isEmpty, ahead[chunk.offset] == nil,
                      aheadBytes + chunk.data.count <= aheadLimit {
                ahead[chunk.offset] = chunk.data
                aheadBytes += chunk.data.count
            }
        }
    }

    /// A whole snapshot that decoded, handed to Raft.
    struct ValidatedSnapshot: Sendable {
        var leader: NodeID
        var metadata: SnapshotMetadata
        var registry: Registry
    }

    /// Takes one chunk; when the snapshot is whole, validates it and hands it to Raft.
    mutating func receiveChunk(_ chunk: SnapshotChunk, from leader: NodeID) {
        guard chunk.term >= raft.term else { return }  // from a deposed leader
        let me = nodeID
        let status = { (received: Int, state: SnapshotStatus.State) in
            PeerMessage(from: me, to: leader, body: .snapshotStatus(SnapshotStatus(
                index: chunk.metadata.index, term: chunk.metadata.term, received: UInt64(received), state: state)))
        }
        guard chunk.totalBytes <= UInt64(config.maxSnapshotBytes),
              chunk.offset <= chunk.totalBytes, UInt64(chunk.data.count) <= chunk.totalBytes - chunk.offset else {
            incoming = nil
            pending.messages.append(status(0, .failed(reason: "snapshot of \(chunk.totalBytes) bytes exceeds this node's limit of \(config.maxSnapshotBytes) or a chunk lies outside it")))
            return
        }
        if chunk.metadata.index <= raft.commitIndex {
            // Everything the snapshot covers is committed here already (installed, or a late
            // chunk of a transfer that finished): the leader should send entries after it.
            if incoming?.holds(chunk, from: leader) == true { incoming = nil }
            pending.messages.append(status(Int(chunk.totalBytes), .installed))
            return
        }
        var assembly: SnapshotAssembly
        if let current = incoming, current.holds(chunk, from: leader) {
            assembly = current
            assembly.term = max(assembly.term, chunk.term)
        } else if chunk.offset == 0 {
            assembly = SnapshotAssembly(leader: leader, term: chunk.term, metadata: chunk.metadata, totalBytes: Int(chunk.totalBytes), data: [])
        } else {
            // Nothing held of this snapshot (this node restarted, or took up another transfer):
            // the leader sends again from the first byte when it next resends.
            pending.messages.append(status(0, .receiving))
            return
        }
        assembly.add(chunk, aheadLimit: max(config.snapshotMaxWindowBytes, config.snapshotChunkBytes * initialWindow))
        guard assembly.data.count == assembly.totalBytes else {
            incoming = assembly
            pending.messages.append(status(assembly.data.count, .receiving))
            return
        }
        incoming = nil
        let restored: Registry
        do {
            restored = try Registry(charter: charter, snapshot: assembly.data)
        } catch {
            pending.messages.append(status(assembly.data.count, .failed(reason: "the snapshot does not decode: \(error.message)")))
            return
        }
        guard restored.appliedIndex == assembly.metadata.index else {
            pending.messages.append(status(assembly.data.count, .failed(reason: "the snapshot's registry is applied through \(restored.appliedIndex), not its index \(assembly.metadata.index)")))
            return
        }
        validated = ValidatedSnapshot(leader: leader, metadata: assembly.metadata, registry: restored)
        raft.step(RaftMessage(
            from: leader, to: nodeID, term: assembly.term,
            kind: .snapshot(Snapshot(metadata: assembly.metadata, data: assembly.data))))
        guard raft.commitIndex >= assembly.metadata.index else {
            // Raft did not take it (a newer term here than the leader's): say so, so the leader
            // falls back to probing rather than waiting on a transfer that is complete.
            validated = nil
            pending.messages.append(status(assembly.data.count, .failed(reason: "Raft refused the snapshot through \(assembly.metadata.index) at term \(raft.term)")))
            return
        }
        pending.messages.append(status(assembly.data.count, .receiving))
    }

    /// Installs the snapshot of Raft's `Ready`: the registry it holds replaces this node's, and
    /// the shell stores both in one transaction.
    mutating func install(_ snapshot: Snapshot) {
        let restored: Registry
        if let v = validated, v.metadata == snapshot.metadata {
            restored = v.registry
        } else {
            do {
                restored = try Registry(charter: charter, snapshot: snapshot.data)
            } catch {
                storageFailed("the snapshot through \(snapshot.metadata.index) that Raft installed does not decode: \(error.message)")
                return
            }
        }
        let leader = validated?.leader
        validated = nil
        registry = restored
        lastStamp = max(lastStamp, restored.lastTime)
        pool.revalidate(registry: registry, at: nextStamp)
        snapshotsInstalled += 1
        checkpointTreeLost()
        pending.install = SnapshotInstall(
            snapshot: Snapshot(metadata: snapshot.metadata, data: []), rows: restored.rows.map { (key: $0.key.bytes, value: $0.value) },
            appliedIndex: restored.appliedIndex)
        // Proposals this node made at indexes the snapshot covers: their fate is inside it.
        for index in submitWaiters.keys.sorted() where index <= snapshot.metadata.index {
            for waiter in submitWaiters.removeValue(forKey: index) ?? [] {
                answerSubmit(waiter.origin, .pending(id: waiter.declarationID, index: index))
            }
        }
        inFlight = inFlight.filter { $0.key > snapshot.metadata.index }
        if let leader {
            pending.messages.append(PeerMessage(from: nodeID, to: leader, body: .snapshotStatus(SnapshotStatus(
                index: snapshot.metadata.index, term: snapshot.metadata.term,
                received: UInt64(snapshot.data.count), state: .installed))))
        }
        endLoadingByInstall()
    }
}
