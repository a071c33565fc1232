import BrakeCore
import BrakeRaft

/// The pure core of one Brake node: it owns the `RaftNode` and the `Registry`, and decides
/// everything a node decides — which submissions are in flight and for which term, who waits for
/// which index, the stamp of each entry, when to snapshot, how a snapshot streams and installs,
/// whether the node is fresh, and how many proposals may wait.
///
/// It is a value type with `mutating` inputs (a submission, a peer message, a tick with the time,
/// a storage failure) and one output, `ready()`, which says what the shell must do as data, in the
/// order it must do it (`ReplicaReady`). It does no I/O and reads no clock, so the deterministic
/// simulation (BrakeSim) runs exactly this code, and `braked`'s actor only carries out what it says.
public struct BrakeReplica: Sendable {
    /// The charter this node started from: the genesis charter of the federation. The charter in
    /// force is `currentCharter`, the registry's, which committed amendments change.
    public let charter: Charter
    /// This node's id.
    public let nodeID: NodeID
    /// The tunables.
    public let config: ReplicaConfig

    /// The Raft core (read-only outside: observers and status read it, only the replica drives it).
    public internal(set) var raft: RaftNode
    /// The registry as this node has applied it.
    public internal(set) var registry: Registry
    /// The last leader timestamp this node stamped or applied; stamps never decrease.
    var lastStamp: Millis
    /// The latest time an input carried.
    public internal(set) var now: ReplicaTime
    /// Set when storage failed: the node stops writing and answers `node_halted` until restarted.
    public internal(set) var halted: String?
    /// The index of the last snapshot this node took or installed (Raft holds it).
    public var snapshotIndex: UInt64 { raft.snapshot?.metadata.index ?? 0 }
    /// Snapshots received from a leader and installed since start.
    public internal(set) var snapshotsInstalled = 0

    /// Declarations proposed but not yet applied, by log index, with the parties each adds. A
    /// submission that adds no party beyond these is refused before it reaches the log.
    var inFlight: [UInt64: InFlight] = [:]
    /// Signatures of entries received from the leader that the shell verified, by log index,
    /// until the entry applies (at most `verifiedAheadLimit`).
    var verifiedAhead: [UInt64: SignatureMemo] = [:]
    static let verifiedAheadLimit = 65_536
    /// Submissions waiting for their entry to apply, by log index.
    var submitWaiters: [UInt64: [SubmitWaiter]] = [:]
    /// Submissions forwarded to the leader, waiting for its answer, by request id.
    var forwarded: [UInt64: Forwarded] = [:]
    /// Linearizable reads waiting for a read index, by request id.
    var reads: [UInt64: PendingRead] = [:]

    /// Freshness of a leader: for each peer, the send time of the latest heartbeat of this term
    /// it acknowledged (dated by when the heartbeat left, never by when the answer arrived).
    var lastHeard: [NodeID: (term: UInt64, at: Int64)] = [:]
    /// When this leader sent each recent heartbeat round, by Raft's heartbeat context.
    var heartbeatSentAt: [UInt64: Int64] = [:]
    /// Freshness of a follower: the latest time (by this node's clock) its leader is known to
    /// have had a quorum, the leader's commit index then, and the term.
    var leaderContact: (term: UInt64, at: Int64, commit: UInt64)?
    /// When this follower last sent its leader a freshness probe.
    var lastProbeAt: Int64?

    /// Outgoing snapshot transfers, by follower.
    var outgoing: [NodeID: SnapshotTransfer] = [:]
    /// A snapshot being received from a leader.
    var incoming: SnapshotAssembly?
    /// A snapshot validated and handed to Raft, waiting for Raft's `Ready` to install it.
    var validated: ValidatedSnapshot?

    /// Leaders whose appends this node refused because their stamps ran more than the charter's
    /// clock skew ahead of its wall clock, by node (see `BrakeReplica+Clock`). Not persisted: after
    /// a restart the next such append is refused again.
    public internal(set) var clockRefusals: [NodeID: ClockRefusal] = [:]
    /// Appends refused for their stamps since start.
    public internal(set) var refusedAppends = 0

    /// Checkpoints: the node's own tree, what it cosigned, what is final, evidence (`BrakeReplica+Checkpoints`).
    var checkpoints: CheckpointBook
    /// Valid declarations not yet committed (`BrakeReplica+Pool`).
    public internal(set) var pool: DeclarationPool
    /// Gossip's state: its random source, round timer, digest cursor and what peers told
    /// (`BrakeReplica+Gossip`).
    var gossip: GossipState
    /// Censorship alarms and the leader this node suspects (`BrakeReplica+Censorship`).
    var censorship = CensorshipState()
    /// Set while the registry loads after a restart (`BrakeReplica+Loading`).
    var loading: RegistryLoading?

    /// What inputs produced that is not in Raft's own `Ready`: messages and answers.
    var pending = ReplicaReady()
    /// The peer set last reported to the shell (`BrakeReplica+Membership`), and its ids.
    var reportedPeers: [NodeInfo] = []
    var peerIDs: Set<NodeID> = []
    /// The index of the latest promotion of each node in this node's log (`MembershipPlan`).
    var promotedAt: [NodeID: UInt64] = [:]
    /// Membership changes this node proposed as leader since start (`followCharter`).
    public internal(set) var membershipChanges = 0

    struct InFlight {
        var declarationID: String
        var parties: Set<String>
        /// Signatures already verified for it, which its apply need not verify again.
        var memo: SignatureMemo = .none
        /// The declaration as admission parsed it, which its apply need not parse again.
        var parsed: ParsedDeclaration?
    }

    /// Who asked for a submission: a local client, or a follower that forwarded it.
    enum Origin: Sendable, Hashable {
        case local(UInt64)
        case peer(NodeID, UInt64)
    }

    struct SubmitWaiter {
        var origin: Origin
        var term: UInt64
        var declarationID: String
        var deadline: Int64
    }

    struct Forwarded {
        var leader: NodeID
        var deadline: Int64
    }

    struct PendingRead {
        var deadline: Int64
        /// The read index once a quorum confirmed it.
        var index: UInt64?
    }

    /// What a node's store held at start.
    public struct Stored: Sendable {
        /// Term, vote and commit index.
        public var hardState: HardState
        /// The stored snapshot, if any.
        public var snapshot: Snapshot?
        /// The stored log entries after the snapshot, in order.
        public var entries: [Entry]
        /// The registry as stored (its rows and applied index).
        public var registry: Registry
        /// The checkpoint state as stored: the node's tree, what it cosigned, what is final.
        public var checkpoints = StoredCheckpoints()
        /// The pending pool as stored: each entry's merged envelope.
        public var pool: [Envelope]
        /// False when `registry` is only the head of the stored registry (its meta row and charter
        /// epochs) and the shell loads the rest, to hand over with `finishLoading(_:)`.
        public var registryComplete = true

        /// Creates the stored state.
        public init(hardState: HardState, snapshot: Snapshot?, entries: [Entry], registry: Registry, pool: [Envelope] = []) {
            self.hardState = hardState
            self.snapshot = snapshot
            self.entries = entries
            self.registry = registry
            self.pool = pool
        }
    }

    /// Restores a node from what its store held. With `checkpointKey` (the key the charter pins for
    /// this node) it cosigns checkpoints; without it, it still gathers and checks them.
    ///
    /// `charter` is the federation's genesis charter; the registry holds the charter in force. A
    /// node that no charter of the chain lists and that is no Raft member starts only with
    /// `config.joining`: as a non-voter that waits for an amendment to add it (Specs/membership.md).
    ///
    /// Refuses (`inconsistent_store`) a store whose registry and log disagree: a registry applied
    /// past the end of the log, or behind the snapshot the log starts from. Serving from such a
    /// store would answer from a state no committed history produces.
    public init(
        charter: Charter, nodeID: NodeID, config: ReplicaConfig, stored: Stored, now: ReplicaTime,
        random: some RandomSource, checkpointKey: SigningKey? = nil
    ) throws(NodeError) {
        let snapshotIndex = stored.snapshot?.metadata.index ?? 0
        let lastIndex = stored.entries.last?.index ?? snapshotIndex
        let applied = stored.registry.appliedIndex
        guard applied >= snapshotIndex else {
            throw NodeError(.inconsistentStore, "the registry is applied through index \(applied) but the log starts after a snapshot at \(snapshotIndex)")
        }
        guard applied <= lastIndex else {
            throw NodeError(.inconsistentStore, "the registry is applied through index \(applied) but the log ends at \(lastIndex)")
        }
        if let first = stored.entries.first, first.index != snapshotIndex + 1 {
            throw NodeError(.inconsistentStore, "the log starts at index \(first.index) but the snapshot ends at \(snapshotIndex)")
        }
        self.charter = charter
        self.nodeID = nodeID
        self.config = config
        self.registry = stored.registry
        self.lastStamp = stored.entries.reduce(stored.registry.lastTime) { max($0, LogRecord.stamp(of: $1.data) ?? $0) }
        self.now = now
        var random = random
        self.gossip = GossipState(seed: UInt64(random.next(upperBound: Int.max)))
        var raftConfig = config.raft
        raftConfig.id = nodeID
        raftConfig.voters = charter.nodes.map(\.id).sorted()
        raftConfig.electionTicks = config.electionTicks
        raftConfig.heartbeatTicks = config.heartbeatTicks
        self.raft = RaftNode(
            config: raftConfig, hardState: stored.hardState, snapshot: stored.snapshot, entries: stored.entries,
            applied: applied, random: random
        )
        self.raft.testing = config.raftTesting
        self.checkpoints = CheckpointBook(
            charter: charter, nodeID: nodeID, key: checkpointKey, stored: stored.checkpoints,
            charterChanges: Array(stored.registry.charterHistory.dropFirst()), appliedNothing: applied == 0 && snapshotIndex == 0, testing: config.checkpointTesting)
        self.pool = DeclarationPool(limits: config.poolLimits)
        if stored.registryComplete {
            restorePool(stored.pool)
        } else {
            loading = RegistryLoading(pool: stored.pool)
        }
        notePromotions(stored.entries)
        // A node some charter of the chain listed (a removed one too: it starts, outside the
        // membership, and never campaigns), a Raft member, or a joining node.
        guard knownNode(nodeID) != nil || raft.membership.contains(nodeID) || config.joining else {
            let current = stored.registry.charter
            throw NodeError(.config, "node id \(nodeID) is not one of the charter's nodes (\(current.nodes.map(\.id).joined(separator: ", "))); a node that waits to be added by an amendment starts with \"join\": true")
        }
        notePeerChanges()
        // A lone voter has no one to compete with: elect it at once instead of after a timeout.
        if raft.voters == [nodeID] {
            for _ in 0..<(2 * config.electionTicks) where raft.role != .leader { raft.tick() }
        }
    }

    // MARK: Inputs

    /// Advances time: one Raft tick, and expiry of waiting clients and stalled transfers.
    public mutating func tick(at time: ReplicaTime) {
        advance(to: time)
        guard halted == nil else { return }
        raft.tick()
        poolTick()
        gossipTick()
        checkCensorship()
        followCharter()
        probeLeader()
        expireWaiters()
        resendStalledChunks()
        proposeCheckpointIfDue()
    }

    /// Signatures the shell verified, by log index, for entries that came in an earlier message
    /// (`receive` takes them with the message itself): kept until the entry applies, so its apply
    /// does not verify them again. Memos of entries applied already are dropped.
    public mutating func noteVerified(_ memos: [UInt64: SignatureMemo]) {
        for (index, memo) in memos where index > registry.appliedIndex && verifiedAhead.count < Self.verifiedAheadLimit {
            verifiedAhead[index] = memo
        }
    }

    /// Feeds a message from a peer. `sender` is the node the transport authenticated; a message
    /// that claims another sender, or is not for this node, is ignored.
    ///
    /// `memos` holds, by log index, signatures of the entries this message carries that the shell
    /// already verified (off the driver, in parallel): their apply on this node does not verify
    /// them again. A memo only ever skips work (see `SignatureMemo`), so a wrong index costs a
    /// verification, never a wrong answer.
    public mutating func receive(_ message: PeerMessage, from sender: NodeID, at time: ReplicaTime, memos: [UInt64: SignatureMemo] = [:]) {
        advance(to: time)
        guard halted == nil, message.from == sender, message.to == nodeID, sender != nodeID,
              hears(sender) else { return }
        switch message.body {
        case .raft(let raftMessage):
            guard raftMessage.from == sender, raftMessage.to == nodeID,
                  admitsByClock(raftMessage, from: sender), admitsBySuspicion(raftMessage, from: sender) else { return }
            noteVerified(memos)
            raft.step(raftMessage)
            noteContact(raftMessage)
        case .freshnessProbe(let sentAt):
            answerProbe(sentAt: sentAt, from: sender)
        case .freshnessEcho(let sentAt, let quorumAge, let commitIndex):
            receiveEcho(sentAt: sentAt, quorumAgeMillis: quorumAge, commitIndex: commitIndex, from: sender)
        case .submit(let requestID, let bytes, let timeoutMillis):
            receiveForwarded(requestID: requestID, envelope: bytes, timeoutMillis: timeoutMillis, from: sender)
        case .submitAnswer(let requestID, let answer):
            guard let waiting = forwarded[requestID], waiting.leader == sender else { return }
            forwarded[requestID] = nil
            pending.answers.append(.submit(requestID: requestID, answer))
        case .snapshotChunk(let chunk):
            receiveChunk(chunk, from: sender)
        case .snapshotStatus(let status):
            receiveSnapshotStatus(status, from: sender)
        case .checkpointProposal(let note):
            receiveCheckpoint(note, proposal: true, from: sender)
        case .checkpointCosignatures(let note):
            receiveCheckpoint(note, proposal: false, from: sender)
        case .gossipDigest(let digest):
            receiveDigest(digest, from: sender)
        case .gossipPull(let ids):
            receivePull(ids, from: sender)
        case .gossipDeclarations(let envelopes):
            receiveDeclarations(envelopes, from: sender)
        }
    }

    /// Hands leadership to `target` (an operator's request, or a test's): Raft's transfer.
    public mutating func transferLeadership(to target: NodeID) throws(RaftError) {
        try raft.transferLeadership(to: target)
    }

    /// A message to `peer` could not be delivered.
    public mutating func peerUnreachable(_ peer: NodeID) {
        raft.reportUnreachable(peer)
    }

    /// A connection with `peer` closed or reset. When `peer` leads, this node starts a pre-vote
    /// at once rather than waiting out the election timeout.
    public mutating func peerDisconnected(_ peer: NodeID, at time: ReplicaTime) {
        advance(to: time)
        guard halted == nil else { return }
        abandonForwards(to: peer, because: "the connection to the leader \(peer) was lost")
        raft.reportLeaderLost(peer)
    }

    /// Answers at once the submissions forwarded to `leader` that it can no longer answer (it is
    /// gone or no longer leads), instead of letting their clients wait out the whole timeout: the
    /// client retries, and a declaration that did commit is refused as a duplicate, never doubled.
    mutating func abandonForwards(to leader: NodeID, because reason: String) {
        for requestID in forwarded.keys.sorted() where forwarded[requestID]?.leader == leader {
            forwarded[requestID] = nil
            pending.answers.append(.submit(requestID: requestID, .refused(.node(NodeError(
                .unavailable, "\(reason) before it answered; the declaration may still commit, check before resubmitting")))))
        }
    }

    /// Storage failed: the node stops writing, and every waiting client is answered at once.
    public mutating func storageFailed(_ reason: String) {
        guard halted == nil else { return }
        halted = reason
        answerEveryone(.refused(.node(NodeError(.halted, "storage failed, node stopped writing: \(reason)"))), reads: false)
    }

    /// The node is stopping: every waiting client is answered at once.
    public mutating func shutdown() {
        answerEveryone(.refused(.node(NodeError(.unavailable, "the node is shutting down"))), reads: false)
    }

    mutating func advance(to time: ReplicaTime) {
        now.monotonic = max(now.monotonic, time.monotonic)
        now.wall = time.wall
    }

    mutating func answerEveryone(_ answer: SubmitAnswer, reads answerReads: Bool) {
        for waiters in submitWaiters.values {
            for waiter in waiters { answerSubmit(waiter.origin, answer) }
        }
        submitWaiters.removeAll()
        for requestID in forwarded.keys.sorted() {
            pending.answers.append(.submit(requestID: requestID, answer))
        }
        forwarded.removeAll()
        for requestID in reads.keys.sorted() {
            pending.answers.append(.read(requestID: requestID, confirmed: answerReads))
        }
        reads.removeAll()
    }

    /// Answers a submission's origin: a local client directly, a follower by message.
    mutating func answerSubmit(_ origin: Origin, _ answer: SubmitAnswer) {
        switch origin {
        case .local(let requestID):
            pending.answers.append(.submit(requestID: requestID, answer))
        case .peer(let peer, let requestID):
            pending.messages.append(PeerMessage(from: nodeID, to: peer, body: .submitAnswer(requestID: requestID, answer: answer)))
        }
    }
}
