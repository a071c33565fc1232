import BrakeCore
import BrakeRaft

/// Snapshots: when this node takes one, how a leader streams one in chunks under the frame cap,
/// and how a follower assembles, validates and installs one.
///
/// The leader sends up to `snapshotWindowChunks` chunks ahead of the follower's acknowledgement
/// and resends from the last acknowledged byte when acknowledgements stop. Each acknowledgement
/// tells Raft the transfer is in progress, so a slow transfer is never restarted; a follower that
/// cannot use the snapshot says so, and Raft falls back to probing. Heartbeats are separate
/// messages and keep flowing between chunks.
extension BrakeReplica {
    /// A snapshot being streamed to one follower.
    struct SnapshotTransfer: Sendable {
        var snapshot: Snapshot
        /// The leader's term when the transfer started.
        var term: UInt64
        /// Bytes sent so far (from the start of the data).
        var sent: Int
        /// Bytes the follower acknowledged holding.
        var acked: Int
        /// When the follower last acknowledged progress (or the transfer started or resent).
        var lastProgressAt: Int64
    }

    /// A snapshot being received from the leader.
    struct SnapshotAssembly: Sendable {
        var leader: NodeID
        var term: UInt64
        var metadata: SnapshotMetadata
        var totalBytes: Int
        var data: [UInt8]
        /// Chunks that arrived ahead of a missing one, by offset (the network may reorder them).
        var ahead: [UInt64: [UInt8]] = [:]
    }

    // MARK: Leader side

    /// Starts streaming `snapshot` to `peer`. Raft asks again only when it gave up on the last
    /// transfer (no acknowledgement for an election timeout, or the follower failed), so a new
    /// request starts over.
    mutating func startTransfer(to peer: NodeID, _ snapshot: Snapshot, term: UInt64) {
        outgoing[peer] = SnapshotTransfer(snapshot: snapshot, term: term, sent: 0, acked: 0, lastProgressAt: now.monotonic)
        sendChunks(to: peer, first: true)
    }

    /// Sends chunks to `peer` while the window allows.
    mutating func sendChunks(to peer: NodeID, first: Bool = false) {
        guard var transfer = outgoing[peer] else { return }
        let data = transfer.snapshot.data
        let chunk = max(config.snapshotChunkBytes, 1)
        let window = chunk * max(config.snapshotWindowChunks, 1)
        var sendEmpty = first && data.isEmpty
        while (transfer.sent < data.count && transfer.sent - transfer.acked < window) || sendEmpty {
            sendEmpty = false
            let end = min(transfer.sent + chunk, data.count)
            pending.messages.append(PeerMessage(from: nodeID, to: peer, body: .snapshotChunk(SnapshotChunk(
                term: transfer.term, metadata: transfer.snapshot.metadata, totalBytes: UInt64(data.count),
                offset: UInt64(transfer.sent), data: Array(data[transfer.sent..<end])))))
            transfer.sent = end
        }
        outgoing[peer] = transfer
    }

    /// A follower reported on a transfer.
    mutating func receiveSnapshotStatus(_ status: SnapshotStatus, from peer: NodeID) {
        guard var transfer = outgoing[peer], transfer.snapshot.metadata.index == status.index,
              transfer.snapshot.metadata.term == status.term else { return }
        switch status.state {
        case .receiving:
            let received = Int(min(status.received, UInt64(transfer.snapshot.data.count)))
            if received > transfer.acked {
                transfer.acked = received
                transfer.sent = max(transfer.sent, received)
                transfer.lastProgressAt = now.monotonic
                outgoing[peer] = transfer
                raft.reportSnapshot(peer, index: status.index, .inProgress)
            }
            sendChunks(to: peer)
        case .installed:
            outgoing[peer] = nil
        case .failed:
            outgoing[peer] = nil
            raft.reportSnapshot(peer, index: status.index, .failed)
        }
    }

    /// Resends from the last acknowledged byte where acknowledgements stopped (a lost chunk), and
    /// drops transfers a former leader still holds.
    mutating func resendStalledChunks() {
        guard raft.role == .leader else {
            outgoing.removeAll()
            return
        }
        for peer in outgoing.keys.sorted() {
            guard var transfer = outgoing[peer], now.monotonic - transfer.lastProgressAt >= config.snapshotResendMillis else { continue }
            transfer.sent = transfer.acked
            transfer.lastProgressAt = now.monotonic
            outgoing[peer] = transfer
            sendChunks(to: peer, first: transfer.acked == 0)
        }
    }

    // MARK: Follower side

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
        if let current = incoming, current.leader == leader, current.term == chunk.term, current.metadata == chunk.metadata,
           current.totalBytes == Int(chunk.totalBytes) {
            // Same transfer: continue below.
        } else {
            guard chunk.offset == 0 else {
                pending.messages.append(status(0, .receiving))
                return
            }
            incoming = SnapshotAssembly(leader: leader, term: chunk.term, metadata: chunk.metadata, totalBytes: Int(chunk.totalBytes), data: [])
        }
        guard var assembly = incoming else { return }
        if chunk.offset == UInt64(assembly.data.count) {
            assembly.data.append(contentsOf: chunk.data)
            while let next = assembly.ahead.removeValue(forKey: UInt64(assembly.data.count)) {
                assembly.data.append(contentsOf: next)
            }
        } else if chunk.offset > UInt64(assembly.data.count), !chunk.data.isEmpty,
                  assembly.ahead.count < 2 * max(config.snapshotWindowChunks, 1) {
            assembly.ahead[chunk.offset] = chunk.data
        }
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
        pending.messages.append(status(assembly.data.count, .receiving))
        validated = ValidatedSnapshot(leader: leader, metadata: assembly.metadata, registry: restored)
        raft.step(RaftMessage(
            from: leader, to: nodeID, term: assembly.term,
            kind: .snapshot(Snapshot(metadata: assembly.metadata, data: assembly.data))))
    }

    /// A whole snapshot that decoded, handed to Raft.
    struct ValidatedSnapshot: Sendable {
        var leader: NodeID
        var metadata: SnapshotMetadata
        var registry: Registry
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
            snapshot: snapshot, rows: restored.rows.map { (key: $0.key.bytes, value: $0.value) },
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

    /// Takes a registry snapshot and compacts the log when enough entries were applied since the last.
    mutating func maybeCompact() {
        let applied = registry.appliedIndex
        guard halted == nil, loading == nil, applied >= snapshotIndex + max(config.snapshotInterval, 1) else { return }
        do {
            try raft.compact(through: applied, snapshotData: registry.snapshot())
        } catch {
            return  // nothing new to fold in
        }
        pending.compaction = raft.snapshot
    }
}
