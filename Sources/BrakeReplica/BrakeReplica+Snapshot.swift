import BrakeCore
import BrakeRaft

/// Snapshots: when this node takes one, and how a leader streams one in chunks under the frame
/// cap (the follower's side is `BrakeReplica+SnapshotReceive`). The protocol is written down in
/// Specs/consensus.md ("Snapshot transfer"); in short, the follower's report of what it holds is
/// what the leader sends from, so a transfer always moves:
///
/// - A transfer is one snapshot (index, term, size) from one leader. The follower keeps what it
///   assembled across the leader's new terms and new transfers of that snapshot, because the
///   leader's snapshot of an index is always the same bytes.
/// - The leader sends up to a window of chunks ahead of the highest byte count the follower
///   reported. The window starts at `snapshotWindowChunks` and grows by the chunks each report
///   covers, up to `snapshotMaxWindowBytes`; it halves (not below its start) at a stall.
/// - When reports stop moving for `snapshotResendMillis`, the leader sends again from
///   the lowest count the follower reported since the last resend: a report lower than the
///   highest is either late (the resent bytes are duplicates the follower ignores, and it answers
///   its real count) or true (the follower lost its assembly or has a gap, and the resend fills it).
/// - Every report of the follower tells Raft the transfer is alive, so a slow transfer is never
///   restarted; Raft starts over only when the follower is silent for an election timeout, or
///   says it failed. A follower that holds everything the snapshot covers (it installed it, or
///   its log already had it) says so, and Raft probes from the entry after it at once.
extension BrakeReplica {
    /// A snapshot being streamed to one follower.
    struct SnapshotTransfer: Sendable {
        var snapshot: Snapshot
        /// The leader's term when the transfer started.
        var term: UInt64
        /// Bytes sent so far (from the start of the data): the next chunk starts here.
        var sent: Int
        /// The highest byte count the follower reported holding since the last resend.
        var acked: Int
        /// The lowest byte count the follower reported since the last resend, if any.
        var lowestReport: Int?
        /// When `acked` last grew (or the transfer started or resent).
        var lastProgressAt: Int64
        /// How many chunks may be unacknowledged now.
        var window: Int
    }

    // MARK: Leader side

    /// Starts streaming `snapshot` to `peer`. Raft asks again only when it gave up on the last
    /// transfer (the follower silent for an election timeout, or failed) or in a new term; the
    /// follower answers the first chunk with what it already holds of the same snapshot.
    mutating func startTransfer(to peer: NodeID, _ snapshot: Snapshot, term: UInt64) {
        outgoing[peer] = SnapshotTransfer(
            snapshot: snapshot, term: term, sent: 0, acked: 0, lastProgressAt: now.monotonic, window: initialWindow)
        sendChunks(to: peer, first: true)
    }

    /// Sends chunks to `peer` while the window allows (`first`: at least one, even of an empty
    /// snapshot, so the follower answers).
    mutating func sendChunks(to peer: NodeID, first: Bool = false) {
        guard var transfer = outgoing[peer] else { return }
        let data = transfer.snapshot.data
        let chunk = max(config.snapshotChunkBytes, 1)
        let window = chunk * transfer.window
        var sendOne = first && (transfer.sent < data.count || data.isEmpty)
        while (transfer.sent < data.count && transfer.sent - transfer.acked < window) || sendOne {
            sendOne = false
            let end = min(transfer.sent + chunk, data.count)
            pending.messages.append(PeerMessage(from: nodeID, to: peer, body: .snapshotChunk(SnapshotChunk(
                term: transfer.term, metadata: transfer.snapshot.metadata, totalBytes: UInt64(data.count),
                offset: UInt64(transfer.sent), data: Array(data[transfer.sent..<end])))))
            transfer.sent = end
        }
        outgoing[peer] = transfer
    }

    /// A follower reported on a transfer. Reports of another snapshot are late and ignored.
    mutating func receiveSnapshotStatus(_ status: SnapshotStatus, from peer: NodeID) {
        guard var transfer = outgoing[peer], transfer.snapshot.metadata.index == status.index,
              transfer.snapshot.metadata.term == status.term else { return }
        switch status.state {
        case .receiving:
            let received = Int(min(status.received, UInt64(transfer.snapshot.data.count)))
            transfer.lowestReport = min(transfer.lowestReport ?? received, received)
            if received > transfer.acked {
                let chunk = max(config.snapshotChunkBytes, 1)
                transfer.window = min(maxWindow, transfer.window + (received - transfer.acked + chunk - 1) / chunk)
                transfer.acked = received
                transfer.sent = max(transfer.sent, received)
                transfer.lastProgressAt = now.monotonic
            }
            outgoing[peer] = transfer
            // The follower is there and taking chunks: the transfer is alive.
            raft.reportSnapshot(peer, index: status.index, .inProgress)
            sendChunks(to: peer)
        case .installed:
            outgoing[peer] = nil
            raft.reportSnapshot(peer, index: status.index, .finished)
        case .failed:
            outgoing[peer] = nil
            raft.reportSnapshot(peer, index: status.index, .failed)
        }
    }

    /// Where reports stopped moving for `snapshotResendMillis` (lost chunks, or a follower that
    /// lost what it held): sends again from the lowest count the follower reported since the last
    /// resend. Drops transfers a former leader still holds.
    mutating func resendStalledChunks() {
        guard raft.role == .leader else {
            outgoing.removeAll()
            return
        }
        for peer in outgoing.keys.sorted() {
            guard var transfer = outgoing[peer], now.monotonic - transfer.lastProgressAt >= config.snapshotResendMillis else { continue }
            var from = min(transfer.acked, transfer.lowestReport ?? transfer.acked)
            // All acknowledged but no word of the outcome (lost): the last byte again asks for it.
            if from == transfer.snapshot.data.count { from = max(from - 1, 0) }
            transfer.acked = from
            transfer.sent = from
            transfer.lowestReport = nil
            transfer.lastProgressAt = now.monotonic
            transfer.window = max(initialWindow, transfer.window / 2)
            outgoing[peer] = transfer
            sendChunks(to: peer, first: true)
        }
    }

    /// The window a transfer starts with, in chunks.
    var initialWindow: Int { max(config.snapshotWindowChunks, 1) }

    /// The largest window, in chunks: `snapshotMaxWindowBytes`, and never below the initial one.
    var maxWindow: Int { max(initialWindow, config.snapshotMaxWindowBytes / max(config.snapshotChunkBytes, 1)) }
}
