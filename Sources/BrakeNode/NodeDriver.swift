import BrakeCore
import BrakeRaft
import BrakeReplica
import BrakeStore
import Logging

/// The node's one serial driver: a thin interpreter of `BrakeReplica`, the pure core that decides
/// everything. It feeds the core its inputs (ticks with the time, peer messages, submissions,
/// reads) and carries out each `ReplicaReady` in the order it states: persist (one LMDB
/// transaction, fsynced) before any message leaves, then send, then write the applied rows, then
/// compact, then answer clients.
///
/// It owns what the core cannot: the store, the transport, the clock, and the continuations of
/// clients waiting for an answer.
public actor NodeDriver {
    /// The charter this node serves.
    public let charter: Charter
    /// This node's id.
    public let nodeID: NodeID
    let configuration: NodeConfiguration
    let store: BrakeStore
    let transport: any PeerTransport
    let clock: NodeClock
    let logger: Logger
    /// Wakes the `/v1/events` streams as entries are applied.
    public nonisolated let events: EventHub
    /// The check table and freshness, published after every batch for `check`.
    public nonisolated let published: PublishedReads

    var replica: BrakeReplica
    var submissions: [UInt64: CheckedContinuation<SubmitAnswer, Never>] = [:]
    var reads: [UInt64: CheckedContinuation<Bool, Never>] = [:]
    var nextRequestID: UInt64 = 1
    /// Whether a drain is queued behind the inputs waiting for the driver.
    var drainScheduled = false

    /// Opens the node's core from its store. Refuses (`inconsistent_store`) a store whose registry
    /// and log disagree.
    public init(
        configuration: NodeConfiguration,
        charter: Charter,
        store: BrakeStore,
        transport: any PeerTransport = NoPeers(),
        clock: NodeClock = .system,
        logger: Logger,
        checkpointKey: SigningKey? = nil
    ) throws {
        self.charter = charter
        self.nodeID = configuration.nodeID
        self.configuration = configuration
        self.store = store
        self.transport = transport
        self.clock = clock
        self.logger = logger
        self.events = EventHub(limit: configuration.maxEventStreams)
        // Nothing is published until the first drain (at start): until then the node is not fresh.
        self.published = PublishedReads(status: NodeStatus(
            node: configuration.nodeID, party: charter.node(id: configuration.nodeID)?.party ?? "", federation: charter.federation,
            term: 0, role: "follower", leader: nil, vote: nil, commitIndex: 0, appliedIndex: 0, lastIndex: 0, snapshotIndex: 0,
            snapshotsInstalled: 0, clockRefusedAppends: 0, voters: [], fresh: false, halted: nil, pausesInForce: 0, openMotions: 0,
            registryDigest: ""), charter: charter)

        let started = ContinuousClock.now
        let (registry, complete) = try Self.openRegistry(store: store, charter: charter, configuration: configuration, logger: logger)
        // The snapshot's metadata only: the registry tables are the state, and the core encodes a
        // snapshot's data when a follower needs one, so the start reads nothing that grows with the registry.
        let persisted = try store.loadRaftState(snapshotData: false)
        logger.info("raft state: \(persisted.entries.count) log entries after the snapshot at \(persisted.snapshot?.metadata.index ?? 0), loaded in \(Self.millis(since: started)) ms")
        // A pool row that no longer decodes is dropped (the core deletes rows it does not re-admit).
        let pooled = try store.pooledEnvelopes().compactMap { try? Envelope(json: $0.envelope) }
        var stored = BrakeReplica.Stored(
            hardState: persisted.hardState, snapshot: persisted.snapshot, entries: persisted.entries, registry: registry,
            pool: pooled)
        stored.registryComplete = complete
        stored.checkpoints = try Self.storedCheckpoints(store, charterChanges: registry.charterHistory.dropFirst().map(\.index))
        self.replica = try BrakeReplica(
            charter: charter, nodeID: configuration.nodeID, config: configuration.replicaConfig,
            stored: stored, now: clock.now(), random: SplitMix64(seed: UInt64.random(in: .min ... .max)),
            checkpointKey: checkpointKey)
        published.publishCharter(replica.currentCharter)
        logger.info("store opened in \(Self.millis(since: started)) ms")
    }

    /// Brings the node up: re-applies committed entries the registry has not seen, or, when the
    /// registry opened with its head only, starts loading the rest (`NodeDriver+Loading`), unless
    /// `loadRegistry` is false (tests that look at a node while it loads call `loadRegistry()`).
    public func start(loadRegistry: Bool = true) {
        drain()
        if loadRegistry { loadRegistryInBackground() }
    }

    /// Advances time by one tick.
    public func tick() {
        replica.tick(at: clock.now())
        scheduleDrain()
    }

    /// Feeds a message from a peer; `sender` is the node the transport authenticated.
    /// `memos` holds the signatures of the entries it carries that the caller already verified.
    public func receive(_ message: PeerMessage, from sender: NodeID, memos: [UInt64: SignatureMemo] = [:]) {
        replica.receive(message, from: sender, at: clock.now(), memos: memos)
        scheduleDrain()
    }

    /// Signatures verified off the driver for entries of an append it took before (see
    /// `PeerEventPump`): their apply does not verify them again.
    public func noteVerified(_ memos: [UInt64: SignatureMemo]) {
        replica.noteVerified(memos)
    }

    /// The transport could not deliver a message to `peer`.
    public func peerUnreachable(_ peer: NodeID) {
        replica.peerUnreachable(peer)
        drain()
    }

    /// A connection with `peer` closed or reset.
    public func peerDisconnected(_ peer: NodeID) {
        replica.peerDisconnected(peer, at: clock.now())
        drain()
    }

    /// Submits a declaration and waits for the core's answer: applied, pending when
    /// `timeoutMillis` passes first, or refused.
    /// `memo` holds the signatures the caller already verified; the driver does not verify them again.
    public func submit(_ envelope: Envelope, timeoutMillis: Int, memo: SignatureMemo = .none) async -> SubmitAnswer {
        let id = takeRequestID()
        return await withCheckedContinuation { (continuation: CheckedContinuation<SubmitAnswer, Never>) in
            submissions[id] = continuation
            replica.submit(envelope, requestID: id, timeoutMillis: timeoutMillis, at: clock.now(), memo: memo)
            scheduleDrain()
        }
    }

    /// Runs a linearizable read: true once a quorum confirmed it and this node applied through
    /// the read index, false when that did not happen within `timeoutMillis`.
    func confirmRead(timeoutMillis: Int) async -> Bool {
        let id = takeRequestID()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            reads[id] = continuation
            replica.readIndex(requestID: id, timeoutMillis: timeoutMillis, at: clock.now())
            drain()
        }
    }

    func takeRequestID() -> UInt64 {
        defer { nextRequestID += 1 }
        return nextRequestID
    }

    /// Group commit: an input does not write at once; it asks for one drain, which runs after every
    /// input already waiting for the driver. Submissions and peer messages that arrived while the
    /// previous batch was being written (the driver is busy for its fsync) are all fed to the core
    /// first, and the next drain persists them in one transaction, one fsync for the batch.
    func scheduleDrain() {
        guard !drainScheduled else { return }
        drainScheduled = true
        Task { self.runScheduledDrain() }
    }

    func runScheduledDrain() {
        drainScheduled = false
        drain()
    }

    /// Carries out every batch the core has, in its order, then publishes what `check` reads.
    func drain() {
        defer {
            // The registry keeps the table as it stores pauses: taking it is a copy of a value.
            published.publish(.init(
                table: replica.registry.checkTable, basis: replica.readBasis(), status: consensusStatus(),
                pending: replica.pendingTriggers, registryLoading: replica.registryLoading))
        }
        while replica.hasReady {
            let ready = replica.ready()
            if let softState = ready.softState {
                logger.info("raft: \(softState.role.rawValue) in term \(softState.term), leader \(softState.leader ?? "none")")
            }
            for alarm in ready.alarms {
                logger.warning("censorship alarm: leader \(alarm.leader) (term \(alarm.term)) has not committed declaration \(alarm.declaration), valid and held here for \(alarm.waitingMillis / 1000) s; starting a pre-vote (Specs/gossip.md)")
                published.recordRaised(CensorshipAlarmView(alarm))
            }
            // Wake the event streams, which announce each raised alarm (`censorship_alarm`).
            if !ready.alarms.isEmpty { events.applied(through: replica.registry.appliedIndex) }
            do {
                try carryOut(ready)
            } catch {
                logger.critical("storage failed, node stops writing: \(error)")
                replica.storageFailed("\(error)")
                // What this batch would have answered did not become durable: refuse it.
                let refusal = SubmitAnswer.refused(.node(NodeError(.halted, "storage failed, node stopped writing: \(error)")))
                for answer in ready.answers {
                    switch answer {
                    case .submit(let id, _): submissions.removeValue(forKey: id)?.resume(returning: refusal)
                    case .read(let id, _): reads.removeValue(forKey: id)?.resume(returning: false)
                    }
                }
            }
        }
    }

    func carryOut(_ ready: ReplicaReady) throws {
        // 0. The peer set follows the charter before anything is sent to a new node.
        if let peers = ready.peers { transport.follow(peers) }
        let applied = ready.applied.map { applied in
            BrakeStore.AppliedEntry(
                index: applied.entry.index,
                writes: applied.writes.map { RegistryWrite(key: $0.key, value: $0.value) },
                events: applied.result.events.map { (type: $0.type, json: $0.jsonBytes()) },
                history: applied.entry, leaf: applied.leaf)
        }
        let pool = ready.pool.map { (id: $0.id, envelope: $0.envelope) }
        let commitOnly = store.changesOnlyCommit(hardState: ready.hardState, entries: ready.entries)
        if ready.needsPersist, ready.install == nil, ready.messages.isEmpty || (commitOnly && ready.checkpoints.isEmpty) {
            // Nothing that leaves the node depends on this write (a single node sends nothing; a
            // batch that moves only the commit index has nothing to make durable first): the
            // messages go at once, and the log, the applied batch and the pool share one transaction.
            if !ready.messages.isEmpty { transport.send(ready.messages) }
            try store.persistAndApply(hardState: ready.hardState, entries: ready.entries, applied: applied, pool: pool)
            try persistCheckpoints(ready.checkpoints)
        } else {
            // 1. Durable before anything that depends on it leaves the node (with the pool, when
            //    nothing is applied in this batch: one transaction instead of two).
            var poolWritten = false
            if ready.needsPersist, ready.install == nil, applied.isEmpty {
                try store.persistAndApply(hardState: ready.hardState, entries: ready.entries, applied: [], pool: pool)
                poolWritten = true
            } else if ready.needsPersist {
                try store.persist(
                    hardState: ready.hardState, entries: ready.entries, snapshot: ready.install?.snapshot,
                    registry: ready.install.map { (rows: $0.rows, appliedIndex: $0.appliedIndex) })
            }
            if let install = ready.install {
                logger.info("installed snapshot through index \(install.snapshot.metadata.index)")
            }
            try persistCheckpoints(ready.checkpoints)
            // 2. Send.
            if !ready.messages.isEmpty { transport.send(ready.messages) }
            // 3. Applied rows, events, the permanent history and the applied index, the whole batch
            //    and the pool in one transaction.
            try store.applyCommitted(applied, pool: poolWritten ? [] : pool)
        }
        if ready.install != nil || ready.applied.contains(where: \.result.charterChanged) {
            published.publishCharter(replica.currentCharter)
        }
        if let last = ready.applied.last {
            events.applied(through: last.entry.index)
        } else if let install = ready.install {
            events.applied(through: install.appliedIndex)
        }
        // 4. Compaction: the snapshot's metadata (the registry tables written in 3 are its state),
        //    and the log folded into it.
        if let snapshot = ready.compaction {
            try store.persist(hardState: nil, entries: [], snapshot: snapshot)
            logger.info("snapshot at index \(snapshot.metadata.index); log compacted")
        }
        // 5. Answers.
        for answer in ready.answers {
            switch answer {
            case .submit(let id, let outcome): submissions.removeValue(forKey: id)?.resume(returning: outcome)
            case .read(let id, let confirmed): reads.removeValue(forKey: id)?.resume(returning: confirmed)
            }
        }
    }

    /// Stops: wakes every waiting client.
    public func shutdown() {
        replica.shutdown()
        drain()
        let refusal = SubmitAnswer.refused(.node(NodeError(.unavailable, "the node is shutting down")))
        for (_, continuation) in submissions { continuation.resume(returning: refusal) }
        submissions.removeAll()
        for (_, continuation) in reads { continuation.resume(returning: false) }
        reads.removeAll()
        events.close()
        store.close()
    }
}
