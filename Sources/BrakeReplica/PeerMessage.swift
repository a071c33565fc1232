import BrakeCore
import BrakeRaft

/// Everything one node says to another, as one type: Raft's messages, submissions a follower
/// forwards to the leader and their answers, and a snapshot streamed in chunks.
///
/// The transport (BrakeNet) encodes it with the protobuf schema in `Specs/peer.proto` and checks
/// `from` against the node identity that mutual TLS authenticated: a message whose claimed sender
/// differs is dropped and counted, never handed to the core. The core trusts nothing else about a
/// message: Raft tolerates loss, duplication and reordering, and every declaration is verified
/// again when its entry is applied.
public struct PeerMessage: Sendable, Hashable {
    /// The sending node.
    public var from: NodeID
    /// The receiving node.
    public var to: NodeID
    /// What the message says.
    public var body: Body

    /// Creates a message.
    public init(from: NodeID, to: NodeID, body: Body) {
        self.from = from
        self.to = to
        self.body = body
    }

    /// The kinds of peer message. New kinds (gossip, checkpoint cosigning) get new cases and new
    /// protobuf fields; a receiver drops a kind it does not know.
    public enum Body: Sendable, Hashable {
        /// A Raft message; its `from` and `to` equal the envelope's.
        case raft(RaftMessage)
        /// A follower asks its leader to confirm that it still leads with a quorum behind it;
        /// `sentAt` is the follower's monotonic clock, echoed back so the follower can date the
        /// answer by its own clock (freshness of `check`).
        case freshnessProbe(sentAt: Int64)
        /// The leader's answer to a probe: the echoed `sentAt`, how long before answering the
        /// leader last heard from a quorum (nil: it has no quorum), and its commit index then. A
        /// follower counts itself fresh as of `sentAt - quorumAgeMillis` once it has applied
        /// through `commitIndex`, so a stale answer (buffered while the follower was stopped)
        /// can never make it look fresh.
        case freshnessEcho(sentAt: Int64, quorumAgeMillis: UInt64?, commitIndex: UInt64)
        /// A follower hands a client's declaration (the DSSE envelope's JSON bytes) to the leader.
        /// The leader answers with `submitAnswer` carrying the same `requestID` within
        /// `timeoutMillis`, or the follower answers its client itself when that time passes.
        case submit(requestID: UInt64, envelope: [UInt8], timeoutMillis: UInt64)
        /// The leader's answer to a forwarded `submit`.
        case submitAnswer(requestID: UInt64, answer: SubmitAnswer)
        /// One chunk of a snapshot the leader streams to a follower that needs entries the
        /// leader has compacted. Chunks stay under the frame cap, so heartbeats keep flowing
        /// between them.
        case snapshotChunk(SnapshotChunk)
        /// The follower's report on a snapshot transfer: how many bytes it holds, and whether it
        /// installed the snapshot or failed to, so the leader neither restarts a slow transfer
        /// nor waits for a failed one.
        case snapshotStatus(SnapshotStatus)
        /// The leader's checkpoint proposal: a C2SP signed note (`SignedCheckpoint.text`) carrying
        /// at least the leader's own cosignature. Each node answers with its cosignature of its own
        /// root at that size (`checkpointCosignatures`, to every node).
        case checkpointProposal(note: String)
        /// Cosignatures of a checkpoint, as a signed note: a node's answer to a proposal, or the
        /// leader's final note with a majority's cosignatures.
        case checkpointCosignatures(note: String)
        /// Gossip: what the sender's pending pool holds and where its applied log ends
        /// (Specs/gossip.md).
        case gossipDigest(GossipDigest)
        /// Gossip: the declarations (by id) the sender lacks, in whole or some party's signature.
        case gossipPull(ids: [String])
        /// Gossip: pooled declarations (DSSE envelopes as JSON bytes) answering a pull. The
        /// receiver verifies and admits each before it enters its pool.
        case gossipDeclarations(envelopes: [[UInt8]])
    }
}

/// A piece of a snapshot in transit. The snapshot is identified by its metadata (index, term);
/// `offset` counts bytes of its data, and the piece with `offset + data.count == totalBytes` is
/// the last.
public struct SnapshotChunk: Sendable, Hashable {
    /// The leader's term when it sent the chunk.
    public var term: UInt64
    /// The snapshot's metadata: its last index, term and voters.
    public var metadata: SnapshotMetadata
    /// The size of the whole snapshot data.
    public var totalBytes: UInt64
    /// Where this piece starts in the snapshot data.
    public var offset: UInt64
    /// The bytes of this piece.
    public var data: [UInt8]

    /// Creates a chunk.
    public init(term: UInt64, metadata: SnapshotMetadata, totalBytes: UInt64, offset: UInt64, data: [UInt8]) {
        self.term = term
        self.metadata = metadata
        self.totalBytes = totalBytes
        self.offset = offset
        self.data = data
    }
}

/// A follower's report on the snapshot it is receiving.
public struct SnapshotStatus: Sendable, Hashable {
    /// Where the transfer stands.
    public enum State: Sendable, Hashable {
        /// Still arriving: the follower holds the first `received` bytes.
        case receiving
        /// Installed: the follower's store and registry now start at the snapshot.
        case installed
        /// Refused or failed to install; `reason` says why. The leader falls back to probing.
        case failed(reason: String)
    }

    /// The snapshot's last index.
    public var index: UInt64
    /// The snapshot's term.
    public var term: UInt64
    /// How many bytes of the snapshot data the follower holds, contiguous from the start.
    public var received: UInt64
    /// Where the transfer stands.
    public var state: State

    /// Creates a status report.
    public init(index: UInt64, term: UInt64, received: UInt64, state: State) {
        self.index = index
        self.term = term
        self.received = received
        self.state = state
    }
}

/// What became of a submission: the answer the node gives its client, and the answer a leader
/// sends back for a forwarded submission.
public enum SubmitAnswer: Sendable, Hashable {
    /// The entry committed and was applied at `index`; the registry accepted it, or rejected it
    /// when it was applied (for example, it expired while it waited), or it was a no-op.
    case applied(ApplyResult.Outcome, index: UInt64)
    /// Proposed at `index` but not applied within the request's time; it may still commit.
    case pending(id: String, index: UInt64)
    /// Refused: by the registry before it reached the log (nothing was left behind), or by the
    /// node (not leader and no leader known, overloaded, halted, shutting down, or a new leader
    /// replaced the entry before it committed).
    case refused(SubmitError)
}

/// Why a submission was refused.
public enum SubmitError: Error, Sendable, Hashable {
    /// The registry refused the declaration.
    case registry(BrakeError)
    /// The node could not take it.
    case node(NodeError)
}
