import Foundation
import BrakeCore
import BrakeRaft
import BrakeReplica

// PeerMessage and its non-Raft bodies ⇄ their protobuf messages.
extension WireCodec {
    func wire(_ message: PeerMessage) throws(WireError) -> Brake_Peer_V1_PeerMessage {
        var out = Brake_Peer_V1_PeerMessage()
        out.from = message.from
        out.to = message.to
        switch message.body {
        case .raft(let raft):
            guard raft.from == message.from, raft.to == message.to else {
                throw WireError(
                    .unencodable,
                    "raft message \(raft.from)→\(raft.to) inside envelope \(message.from)→\(message.to)"
                )
            }
            out.body = .raft(wire(raft))
        case .freshnessProbe(let sentAt):
            var probe = Brake_Peer_V1_FreshnessProbe()
            probe.sentAt = sentAt
            out.body = .freshnessProbe(probe)
        case .freshnessEcho(let sentAt, let quorumAgeMillis, let commitIndex):
            var echo = Brake_Peer_V1_FreshnessEcho()
            echo.sentAt = sentAt
            if let quorumAgeMillis { echo.quorumAgeMillis = quorumAgeMillis }
            echo.commitIndex = commitIndex
            out.body = .freshnessEcho(echo)
        case .submit(let requestID, let envelope, let timeoutMillis):
            var submit = Brake_Peer_V1_Submit()
            submit.requestID = requestID
            submit.envelope = Data(envelope)
            submit.timeoutMillis = timeoutMillis
            out.body = .submit(submit)
        case .submitAnswer(let requestID, let answer):
            out.body = .submitAnswer(wire(answer, requestID: requestID))
        case .snapshotChunk(let chunk):
            var wireChunk = Brake_Peer_V1_SnapshotChunk()
            wireChunk.term = chunk.term
            wireChunk.metadata = wire(chunk.metadata)
            wireChunk.totalBytes = chunk.totalBytes
            wireChunk.offset = chunk.offset
            wireChunk.data = Data(chunk.data)
            out.body = .snapshotChunk(wireChunk)
        case .snapshotStatus(let status):
            var wireStatus = Brake_Peer_V1_SnapshotStatus()
            wireStatus.index = status.index
            wireStatus.term = status.term
            wireStatus.received = status.received
            switch status.state {
            case .receiving: wireStatus.state = .receiving
            case .installed: wireStatus.state = .installed
            case .failed(let reason):
                wireStatus.state = .failed
                wireStatus.failureReason = reason
            }
            out.body = .snapshotStatus(wireStatus)
        case .checkpointProposal(let note):
            out.body = .checkpointProposal(try wire(checkpointNote: note))
        case .checkpointCosignatures(let note):
            out.body = .checkpointCosignatures(try wire(checkpointNote: note))
        case .gossipDigest(let digest):
            out.body = .gossipDigest(wire(digest))
        case .gossipPull(let ids):
            out.body = .gossipPull(wire(pull: ids))
        case .gossipDeclarations(let envelopes):
            out.body = .gossipDeclarations(wire(declarations: envelopes))
        }
        return out
    }

    func peerMessage(_ w: Brake_Peer_V1_PeerMessage) throws(WireError) -> PeerMessage {
        let from = try nodeID(w.from, "message.from")
        let to = try nodeID(w.to, "message.to")
        let body: PeerMessage.Body
        switch w.body {
        case .raft(let raft):
            body = .raft(try raftMessage(raft, from: from, to: to))
        case .freshnessProbe(let probe):
            body = .freshnessProbe(sentAt: probe.sentAt)
        case .freshnessEcho(let echo):
            body = .freshnessEcho(
                sentAt: echo.sentAt, quorumAgeMillis: echo.hasQuorumAgeMillis ? echo.quorumAgeMillis : nil,
                commitIndex: echo.commitIndex)
        case .submit(let submit):
            body = .submit(
                requestID: submit.requestID,
                envelope: [UInt8](submit.envelope),
                timeoutMillis: submit.timeoutMillis
            )
        case .submitAnswer(let answer):
            body = .submitAnswer(requestID: answer.requestID, answer: try submitAnswer(answer))
        case .snapshotChunk(let chunk):
            body = .snapshotChunk(try snapshotChunk(chunk))
        case .snapshotStatus(let status):
            body = .snapshotStatus(try snapshotStatus(status))
        case .checkpointProposal(let note):
            body = .checkpointProposal(note: try checkpointNote(note, "checkpoint_proposal"))
        case .checkpointCosignatures(let note):
            body = .checkpointCosignatures(note: try checkpointNote(note, "checkpoint_cosignatures"))
        case .gossipDigest(let digest):
            body = .gossipDigest(try gossipDigest(digest))
        case .gossipPull(let pull):
            body = .gossipPull(ids: try gossipPull(pull))
        case .gossipDeclarations(let declarations):
            body = .gossipDeclarations(envelopes: try gossipDeclarations(declarations))
        case nil:
            if w.unknownFields.data.isEmpty {
                throw WireError(.missingField, "message from \(from) has no body")
            }
            throw WireError(.unknownKind, "message from \(from) has a body kind this node does not know")
        }
        return PeerMessage(from: from, to: to, body: body)
    }

    private func snapshotChunk(_ w: Brake_Peer_V1_SnapshotChunk) throws(WireError) -> SnapshotChunk {
        guard w.hasMetadata else { throw WireError(.missingField, "snapshot_chunk.metadata is absent") }
        guard w.offset <= w.totalBytes, UInt64(w.data.count) <= w.totalBytes - w.offset else {
            throw WireError(
                .outOfRange,
                "snapshot_chunk of \(w.data.count) bytes at offset \(w.offset) exceeds total_bytes \(w.totalBytes)"
            )
        }
        return SnapshotChunk(
            term: w.term,
            metadata: try snapshotMetadata(w.metadata, "snapshot_chunk.metadata"),
            totalBytes: w.totalBytes,
            offset: w.offset,
            data: [UInt8](w.data)
        )
    }

    private func snapshotStatus(_ w: Brake_Peer_V1_SnapshotStatus) throws(WireError) -> SnapshotStatus {
        let state: SnapshotStatus.State
        switch w.state {
        case .receiving: state = .receiving
        case .installed: state = .installed
        case .failed: state = .failed(reason: try text(w.failureReason, "snapshot_status.failure_reason"))
        case .unspecified, .UNRECOGNIZED:
            throw WireError(.outOfRange, "snapshot_status.state \(w.state.rawValue) is not a known state")
        }
        return SnapshotStatus(index: w.index, term: w.term, received: w.received, state: state)
    }

    func wire(_ metadata: SnapshotMetadata) -> Brake_Peer_V1_SnapshotMetadata {
        var out = Brake_Peer_V1_SnapshotMetadata()
        out.index = metadata.index
        out.term = metadata.term
        out.voters = metadata.voters
        out.learners = metadata.learners
        return out
    }

    func snapshotMetadata(_ w: Brake_Peer_V1_SnapshotMetadata, _ field: String) throws(WireError) -> SnapshotMetadata {
        var voters: [NodeID] = []
        for voter in try bounded(w.voters, limits.maxVoters, "\(field).voters") {
            voters.append(try nodeID(voter, "\(field).voters"))
        }
        var learners: [NodeID] = []
        for learner in try bounded(w.learners, limits.maxVoters, "\(field).learners") {
            learners.append(try nodeID(learner, "\(field).learners"))
        }
        return SnapshotMetadata(index: w.index, term: w.term, voters: voters, learners: learners)
    }
}
