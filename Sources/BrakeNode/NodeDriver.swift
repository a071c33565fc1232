import BrakeCore
import BrakeReplica
import BrakeRaft
import BrakeStore
import Logging

/// The node's one serial driver: it feeds the pure `RaftNode`, persists each `Ready` before any of
/// its messages leave, applies committed entries to the `Registry` together with their registry rows
/// in one LMDB transaction, and answers clients once their entry is applied.
///
/// Everything that changes consensus or registry state happens on this actor, in the order Raft
/// prescribes: persist (hard state, entries, snapshot), then send, then apply.
public actor NodeDriver {
    /// The charter this node serves.
    public let charter: Charter
    /// This node's id.
    public let nodeID: NodeID
    let configuration: NodeConfiguration
    let store: BrakeStore
    let transport: any PeerTransport
    let clock: @Sendable () -> Millis
    let logger: Logger
    /// Live registry events for `/v1/events`.
    public nonisolated let events: EventHub

    var raft: RaftNode
    var registry: Registry
    /// The last leader timestamp this node stamped; stamps never decrease.
    var lastStamp: Millis
    /// Clients waiting for an index to be applied, with the term their proposal was made in.
    var submitWaiters: [UInt64: [SubmitWaiter]] = [:]
    /// Linearizable reads waiting for their ReadIndex, by request id.
    var readWaiters: [UInt64: CheckedContinuation<UInt64?, Never>] = [:]
    /// Reads waiting for the applied index to reach a ReadIndex.
    var appliedWaiters: [(index: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
    var nextRequestID: UInt64 = 1
    /// Set when storage failed: the node stops writing and answers `node_halted` until restarted.
    var halted: String?
    var lastSnapshotIndex: UInt64
    /// Snapshots received from a leader and installed since start.
    var snapshotsInstalled = 0
    /// Declarations proposed but not yet applied, by log index: the declaration and the parties it
    /// adds. A second submission that adds no party beyond these is refused before it reaches the
    /// log. Every index is applied eventually (the entry, or whatever a new leader put there), and
    /// applying an index clears it.
    var inFlight: [UInt64: (declarationID: String, parties: Set<String>)] = [:]

    struct SubmitWaiter {
        var id: UInt64
        var term: UInt64
        var declarationID: String
        var continuation: CheckedContinuation<SubmitOutcome, Never>
    }

    /// Opens the node's store and restores Raft and the registry from it.
    public init(
        configuration: NodeConfiguration,
        charter: Charter,
        store: BrakeStore,
        transport: any PeerTransport = NoPeers(),
        clock: @escaping @Sendable () -> Millis,
        logger: Logger
    ) throws {
        guard charter.nodes.contains(where: { $0.id == configuration.nodeID }) else {
            throw NodeError(.config, "node id \(configuration.nodeID) is not one of the charter's nodes (\(charter.nodes.map(\.id).joined(separator: ", ")))")
        }
        self.charter = charter
        self.nodeID = configuration.nodeID
        self.configuration = configuration
        self.store = store
        self.transport = transport
        self.clock = clock
        self.logger = logger
        self.events = EventHub()

        let persisted = try store.loadRaftState()
        let rows = try store.registryRows()
        let registry = try Registry(charter: charter, rows: try rows.map { (key: try RegistryKey(bytes: $0.key), value: $0.value) })
        self.registry = registry
        self.lastStamp = registry.lastTime
        self.lastSnapshotIndex = persisted.snapshot?.metadata.index ?? 0

        var raftConfig = RaftConfig(id: configuration.nodeID, voters: charter.nodes.map(\.id).sorted())
        raftConfig.electionTicks = configuration.electionTicks
        raftConfig.heartbeatTicks = configuration.heartbeatTicks
        self.raft = RaftNode(
            config: raftConfig,
            hardState: persisted.hardState,
            snapshot: persisted.snapshot,
            entries: persisted.entries,
            applied: registry.appliedIndex,
            random: SplitMix64(seed: UInt64.random(in: .min ... .max))
        )
    }

    /// Brings the node up: re-applies committed entries the registry has not seen, and lets a
    /// single-voter group elect itself at once instead of after an election timeout (no other node
    /// could compete, so skipping the wait is safe).
    public func start() {
        if charter.nodes.count == 1 {
            for _ in 0..<(2 * configuration.electionTicks) where raft.role != .leader {
                raft.tick()
            }
        }
        processReady()
    }

    /// Advances Raft's logical clock by one tick and processes what it produced.
    public func tick() {
        raft.tick()
        processReady()
    }

    /// Feeds a message from a peer.
    public func receive(_ message: RaftMessage) {
        raft.step(message)
        processReady()
    }

    /// Drains every `Ready` the core has: persist, then send, then apply.
    func processReady() {
        while halted == nil && raft.hasReady {
            let ready = raft.ready()
            do {
                if ready.hardState != nil || !ready.entries.isEmpty || ready.snapshot != nil {
                    try store.persist(hardState: ready.hardState, entries: ready.entries, snapshot: ready.snapshot)
                }
                if let snapshot = ready.snapshot {
                    try install(snapshot)
                }
            } catch {
                halt(error)
                return
            }
            // Only now, with entries and hard state durable, may messages that depend on them leave.
            transport.send(ready.messages)
            // Waiters of a leader that lost its term stay: their entries may still commit under the
            // new leader, and a different entry at their index is answered `proposal_dropped`.
            if let soft = ready.softState {
                logger.info("raft: \(soft.role.rawValue) in term \(soft.term), leader \(soft.leader ?? "none")")
            }
            for entry in ready.committedEntries {
                do {
                    try apply(entry)
                } catch {
                    halt(error)
                    return
                }
            }
            for read in ready.readStates {
                readWaiters.removeValue(forKey: read.requestID)?.resume(returning: read.index)
            }
            resumeAppliedWaiters()
        }
        maybeSnapshot()
    }

    /// Applies one committed entry: registry rows and the applied index commit in one transaction.
    func apply(_ entry: Entry) throws {
        guard entry.index > registry.appliedIndex else { return }
        let result = registry.apply(index: entry.index, data: entry.data)
        let writes = result.changed.map { RegistryWrite(key: $0.bytes, value: registry.row(for: $0)) }
        try store.applyCommitted(index: entry.index, writes: writes)
        lastStamp = max(lastStamp, registry.lastTime)
        events.publish(result.events.map { IndexedEvent(index: entry.index, event: $0) })
        inFlight.removeValue(forKey: entry.index)
        for waiter in submitWaiters.removeValue(forKey: entry.index) ?? [] {
            if waiter.term != entry.term {
                waiter.continuation.resume(returning: .dropped)
            } else {
                waiter.continuation.resume(returning: .applied(result.outcome, index: entry.index))
            }
        }
    }

    /// Replaces the registry with a snapshot the leader sent.
    func install(_ snapshot: Snapshot) throws {
        let restored = try Registry(charter: charter, snapshot: snapshot.data)
        let rows = restored.rows.map { (key: $0.key.bytes, value: $0.value) }
        try store.replaceRegistry(rows: rows, appliedIndex: restored.appliedIndex)
        registry = restored
        lastSnapshotIndex = snapshot.metadata.index
        snapshotsInstalled += 1
        logger.info("installed snapshot at index \(snapshot.metadata.index)")
    }

    /// Takes a registry snapshot and compacts the log when enough entries were applied since the last.
    func maybeSnapshot() {
        let applied = registry.appliedIndex
        guard halted == nil, applied >= lastSnapshotIndex + configuration.snapshotInterval else { return }
        let data = registry.snapshot()
        do {
            try raft.compact(through: applied, snapshotData: data)
            // The core made the snapshot (with the term at `applied` and the voters); store that one.
            try store.persist(hardState: nil, entries: [], snapshot: raft.snapshot)
            lastSnapshotIndex = applied
            logger.info("snapshot at index \(applied); log compacted")
        } catch {
            logger.warning("snapshot at \(applied) failed: \(error)")
        }
    }

    func halt(_ error: any Error) {
        let reason = "\(error)"
        logger.critical("storage failed, node stops writing: \(reason)")
        halted = reason
        for (_, waiters) in submitWaiters {
            for waiter in waiters { waiter.continuation.resume(returning: .halted(reason)) }
        }
        submitWaiters.removeAll()
    }

    func resumeAppliedWaiters() {
        let applied = registry.appliedIndex
        var remaining: [(index: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
        for waiter in appliedWaiters {
            if waiter.index <= applied { waiter.continuation.resume() } else { remaining.append(waiter) }
        }
        appliedWaiters = remaining
    }

    /// The current wall-clock time as a leader stamp: never below the last stamp.
    func stamp() -> Millis {
        lastStamp = max(lastStamp, clock())
        return lastStamp
    }

    /// Stops: wakes every waiting client.
    public func shutdown() {
        for (_, waiters) in submitWaiters {
            for waiter in waiters { waiter.continuation.resume(returning: .shuttingDown) }
        }
        submitWaiters.removeAll()
        for (_, continuation) in readWaiters { continuation.resume(returning: nil) }
        readWaiters.removeAll()
        for waiter in appliedWaiters { waiter.continuation.resume() }
        appliedWaiters.removeAll()
        events.close()
        store.close()
    }
}
