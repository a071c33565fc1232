import BrakeRaft
import Foundation

// RaftMessage ⇄ its protobuf message. The sender and receiver travel once, in the enclosing
// PeerMessage; the codec refuses to encode a Raft message whose own differ from them.
extension WireCodec {
    func wire(_ m: RaftMessage) -> Brake_Peer_V1_RaftMessage {
        var out = Brake_Peer_V1_RaftMessage()
        out.term = m.term
        switch m.kind {
        case .preVote(let lastIndex, let lastTerm):
            out.kind = .preVote(voteRequest(lastIndex, lastTerm, transfer: false))
        case .preVoteResponse(let granted):
            out.kind = .preVoteResponse(voteResponse(granted))
        case .vote(let lastIndex, let lastTerm, let transfer):
            out.kind = .vote(voteRequest(lastIndex, lastTerm, transfer: transfer))
        case .voteResponse(let granted):
            out.kind = .voteResponse(voteResponse(granted))
        case .append(let prevIndex, let prevTerm, let entries, let commit):
            var append = Brake_Peer_V1_Append()
            append.prevIndex = prevIndex
            append.prevTerm = prevTerm
            append.commit = commit
            append.entries = entries.map { entry in
                var e = Brake_Peer_V1_Entry()
                e.term = entry.term
                e.index = entry.index
                e.data = Data(entry.data)
                return e
            }
            out.kind = .append(append)
        case .appendAccepted(let matchIndex):
            var accepted = Brake_Peer_V1_AppendAccepted()
            accepted.matchIndex = matchIndex
            out.kind = .appendAccepted(accepted)
        case .appendRejected(let rejectedIndex, let conflictIndex, let conflictTerm):
            var rejected = Brake_Peer_V1_AppendRejected()
            rejected.rejectedIndex = rejectedIndex
            rejected.conflictIndex = conflictIndex
            rejected.conflictTerm = conflictTerm
            out.kind = .appendRejected(rejected)
        case .heartbeat(let commit, let context):
            var heartbeat = Brake_Peer_V1_Heartbeat()
            heartbeat.commit = commit
            heartbeat.context = context
            out.kind = .heartbeat(heartbeat)
        case .heartbeatResponse(let context):
            var response = Brake_Peer_V1_HeartbeatResponse()
            response.context = context
            out.kind = .heartbeatResponse(response)
        case .snapshot(let snapshot):
            var wireSnapshot = Brake_Peer_V1_Snapshot()
            wireSnapshot.metadata = wire(snapshot.metadata)
            wireSnapshot.data = Data(snapshot.data)
            out.kind = .snapshot(wireSnapshot)
        case .timeoutNow:
            out.kind = .timeoutNow(Brake_Peer_V1_TimeoutNow())
        case .readIndex(let requestID):
            var request = Brake_Peer_V1_ReadIndex()
            request.requestID = requestID
            out.kind = .readIndex(request)
        case .readIndexResponse(let requestID, let index):
            var response = Brake_Peer_V1_ReadIndexResponse()
            response.requestID = requestID
            response.index = index
            out.kind = .readIndexResponse(response)
        }
        return out
    }

    func raftMessage(
        _ w: Brake_Peer_V1_RaftMessage,
        from: NodeID,
        to: NodeID
    ) throws(WireError) -> RaftMessage {
        let kind: RaftMessage.Kind
        switch w.kind {
        case .preVote(let v):
            guard !v.transfer else { throw WireError(.outOfRange, "pre_vote.transfer is set; only a vote may transfer") }
            kind = .preVote(lastIndex: v.lastIndex, lastTerm: v.lastTerm)
        case .preVoteResponse(let r): kind = .preVoteResponse(granted: r.granted)
        case .vote(let v): kind = .vote(lastIndex: v.lastIndex, lastTerm: v.lastTerm, transfer: v.transfer)
        case .voteResponse(let r): kind = .voteResponse(granted: r.granted)
        case .append(let a):
            kind = .append(prevIndex: a.prevIndex, prevTerm: a.prevTerm, entries: try entries(a), commit: a.commit)
        case .appendAccepted(let a): kind = .appendAccepted(matchIndex: a.matchIndex)
        case .appendRejected(let r):
            kind = .appendRejected(
                rejectedIndex: r.rejectedIndex, conflictIndex: r.conflictIndex, conflictTerm: r.conflictTerm
            )
        case .heartbeat(let h): kind = .heartbeat(commit: h.commit, context: h.context)
        case .heartbeatResponse(let h): kind = .heartbeatResponse(context: h.context)
        case .snapshot(let s):
            guard s.hasMetadata else { throw WireError(.missingField, "raft.snapshot.metadata is absent") }
            let metadata = try snapshotMetadata(s.metadata, "raft.snapshot.metadata")
            kind = .snapshot(Snapshot(metadata: metadata, data: [UInt8](s.data)))
        case .timeoutNow: kind = .timeoutNow
        case .readIndex(let r): kind = .readIndex(requestID: r.requestID)
        case .readIndexResponse(let r): kind = .readIndexResponse(requestID: r.requestID, index: r.index)
        case nil:
            throw absent(w.unknownFields.data.isEmpty, "raft.kind")
        }
        let message = RaftMessage(from: from, to: to, term: w.term, kind: kind)
        return message
    }

    /// The entries of an append: bounded in number and contiguous from `prev_index + 1`, as
    /// Raft's log matching property requires (§5.3).
    private func entries(_ a: Brake_Peer_V1_Append) throws(WireError) -> [Entry] {
        var out: [Entry] = []
        let wireEntries = try bounded(a.entries, limits.maxEntries, "append.entries")
        out.reserveCapacity(wireEntries.count)
        var expected = a.prevIndex
        for e in wireEntries {
            let (next, overflow) = expected.addingReportingOverflow(1)
            guard !overflow, e.index == next else {
                throw WireError(.outOfRange, "append entry index \(e.index) where \(expected) + 1 was due")
            }
            expected = next
            out.append(Entry(term: e.term, index: e.index, data: [UInt8](e.data)))
        }
        return out
    }

    private func voteRequest(_ lastIndex: UInt64, _ lastTerm: UInt64, transfer: Bool) -> Brake_Peer_V1_VoteRequest {
        var out = Brake_Peer_V1_VoteRequest()
        out.lastIndex = lastIndex
        out.lastTerm = lastTerm
        out.transfer = transfer
        return out
    }

    private func voteResponse(_ granted: Bool) -> Brake_Peer_V1_VoteResponse {
        var out = Brake_Peer_V1_VoteResponse()
        out.granted = granted
        return out
    }
}
