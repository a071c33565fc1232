import BrakeCore
import BrakeLog
import BrakeRaft

/// Everything the core asks the shell to do, drained by `BrakeReplica.ready()`.
///
/// The fields are numbered by the order the shell must follow. (1) is one durable write; only
/// after it may (2) leave the node; (3) and (4) are writes that need no fsync of their own (the
/// durable log replays them after a crash); (5) answers clients, whose entries are durable by then.
/// When (1) changes only the commit index it needs no fsync and no message depends on it, so the
/// shell may send first and write (1) with (3) (Specs/consensus.md, "Group commit").
public struct ReplicaReady: Sendable {
    /// 1. Persist if not nil: term, vote and commit index.
    public var hardState: HardState?
    /// 1. Persist: append to the stored log, first dropping stored entries with index
    /// `>= entries[0].index`.
    public var entries: [Entry]
    /// 1. Persist before `entries`, in the same transaction: a snapshot from the leader and the
    /// registry it restores. Snapshot, registry rows, applied index and log truncation commit
    /// together, so a crash leaves either the old state or the new one.
    public var install: SnapshotInstall?
    /// 1. Persist too, in a transaction of its own, before (2): what the node cosigned, the latest
    /// final checkpoint, new evidence (`CheckpointWrites`).
    public var checkpoints = CheckpointWrites()
    /// 2. Send, only after (1) is durable.
    public var messages: [PeerMessage]
    /// 3. Write each applied entry's registry rows and the applied index, in order.
    public var applied: [AppliedEntry]
    /// 4. Store this snapshot's metadata and drop the log through its index. Its data is always
    /// empty: the registry rows written in (3) are the state at its index (Specs/consensus.md).
    public var compaction: Snapshot?
    /// 5. Answer these clients.
    public var answers: [ReplicaAnswer]
    /// Role, leader or term changed; for logs and metrics.
    public var softState: SoftState?
    /// Changes to the stored pending pool (with step 3: like the applied rows, they need no fsync
    /// of their own; a pool entry lost in a machine crash comes back by gossip or resubmission).
    public var pool: [PoolWrite] = []
    /// Censorship alarms raised by this batch's inputs, for the shell to log (Specs/gossip.md).
    public var alarms: [BrakeReplica.CensorshipAlarm] = []
    /// 0. Before (2), when not nil: the nodes this node now talks with (`BrakeReplica.peerNodes`),
    /// changed by an amendment applied or a membership change in the log. The transport dials the
    /// new ones and accepts their pins, and closes and refuses the connections of those that left.
    public var peers: [NodeInfo]?

    /// Creates an empty batch.
    public init() {
        entries = []
        messages = []
        applied = []
        answers = []
    }

    /// Whether the batch asks for anything.
    public var isEmpty: Bool {
        hardState == nil && entries.isEmpty && install == nil && messages.isEmpty && applied.isEmpty
            && compaction == nil && answers.isEmpty && softState == nil && pool.isEmpty && alarms.isEmpty
            && checkpoints.isEmpty && peers == nil
    }

    /// Whether step 1 has anything to make durable.
    public var needsPersist: Bool { hardState != nil || !entries.isEmpty || install != nil }
}

/// A snapshot received from the leader with the registry state it holds.
public struct SnapshotInstall: Sendable {
    /// The snapshot, metadata only (empty data): the rows below are its state, stored as such.
    public var snapshot: Snapshot
    /// The registry rows to store in place of the current ones.
    public var rows: [(key: [UInt8], value: [UInt8])]
    /// The registry's applied index after the install: the snapshot's index.
    public var appliedIndex: UInt64
}

/// One committed entry the core applied to its registry, and the rows that changed.
public struct AppliedEntry: Sendable {
    /// The entry.
    public var entry: Entry
    /// What applying it did: outcome and events.
    public var result: ApplyResult
    /// The registry rows it changed (nil value: delete), `.meta` first.
    public var writes: [(key: [UInt8], value: [UInt8]?)]
    /// Its leaf in the permanent history, or nil when it has none (a no-op, a membership change,
    /// data that does not decode): decoded once at apply, for the checkpoint tree and the store.
    public var leaf: LogLeaf?
}

/// An answer to a client of this node.
public enum ReplicaAnswer: Sendable {
    /// What became of submission `requestID`.
    case submit(requestID: UInt64, SubmitAnswer)
    /// Linearizable read `requestID`: `confirmed` once a quorum confirmed the leader's read
    /// index and this node applied through it; false when that failed or timed out.
    case read(requestID: UInt64, confirmed: Bool)
}
