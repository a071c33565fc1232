/// Linearizable reads without log writes: ReadIndex (thesis §6.4), with an optional lease fast
/// path (§6.4.1).
extension RaftNode {
    /// Asks for a read index: the answer arrives as a `ReadState` in a later `Ready` once a
    /// quorum has confirmed, after this call, that this node's leader is still the leader; the
    /// read is linearizable once the application has applied through `ReadState.index`.
    ///
    /// A leader answers itself (after committing an entry of its term, and immediately if it
    /// is the only voter or holds a valid lease with `leaseReads`). A follower forwards the
    /// request to its leader; with no known leader the request is dropped and the caller times
    /// out and retries.
    public mutating func readIndex(requestID: UInt64) {
        switch role {
        case .leader:
            handleReadRequest(requestID: requestID, from: id)
        case .follower:
            if let leader { send(to: leader, .readIndex(requestID: requestID)) }
        case .preCandidate, .candidate:
            break
        }
    }

    mutating func handleReadRequest(requestID: UInt64, from origin: NodeID) {
        // The commit index is only known to be current once the leader has committed an
        // entry of its own term (§6.4 step 1); until then the request waits.
        guard committedInCurrentTerm else {
            readsAwaitingCommit.append((requestID, origin))
            return
        }
        if voters == [id] || leaseValid {
            answerRead(requestID: requestID, from: origin, index: log.committed)
            return
        }
        // The heartbeat round that confirms this read goes out with the next `ready()`, so
        // all reads that arrive in between share one round.
        pendingReads.append(PendingRead(requestID: requestID, from: origin, index: log.committed, context: heartbeatContext + 1))
    }

    /// Whether reads wait for a heartbeat round that has not been sent yet.
    var readRoundDue: Bool {
        role == .leader && (pendingReads.last?.context ?? 0) > heartbeatContext
    }

    mutating func releaseReadsAwaitingCommit() {
        guard !readsAwaitingCommit.isEmpty, committedInCurrentTerm else { return }
        let waiting = readsAwaitingCommit
        readsAwaitingCommit = []
        for read in waiting { handleReadRequest(requestID: read.requestID, from: read.from) }
    }

    /// Answers every pending read whose heartbeat round a quorum has echoed: a heartbeat sent
    /// after the read arrived and acknowledged by a quorum proves no newer leader had been
    /// elected when the read arrived.
    mutating func completeConfirmedReads() {
        while let read = pendingReads.first {
            guard quorumAcknowledges({ (progress[$0]?.ackedContext ?? 0) >= read.context }) else { return }
            pendingReads.removeFirst()
            answerRead(requestID: read.requestID, from: read.from, index: read.index)
        }
    }

    mutating func answerRead(requestID: UInt64, from origin: NodeID, index: UInt64) {
        if origin == id {
            readStates.append(ReadState(requestID: requestID, index: index))
        } else {
            send(to: origin, .readIndexResponse(requestID: requestID, index: index))
        }
    }
}
