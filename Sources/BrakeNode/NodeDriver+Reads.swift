import BrakeCore
import BrakeReplica
import BrakeRaft

/// A snapshot of the node's consensus and apply state, for `/v1/status` and `/metrics`.
public struct NodeStatus: Sendable, Codable, Hashable {
    public var node: String
    public var party: String
    public var federation: String
    public var term: UInt64
    public var role: String
    public var leader: String?
    public var vote: String?
    public var commitIndex: UInt64
    public var appliedIndex: UInt64
    public var lastIndex: UInt64
    public var snapshotIndex: UInt64
    public var snapshotsInstalled: Int
    /// Appends this process refused because an entry in them was stamped more than the charter's
    /// clock skew ahead of its wall clock (Specs/time.md): a leader's clock runs ahead, or this
    /// node's runs behind.
    public var clockRefusedAppends: Int
    /// Raft's voters as this node's log has them (they follow the charter: Specs/consensus.md).
    public var voters: [String]
    /// Raft's learners (nodes being added, catching up before they vote).
    public var learners: [String] = []
    public var fresh: Bool
    public var halted: String?
    /// True while the node loads its registry after a restart: `check` answers (from the store's
    /// check index), the registry's figures and reads that need it wait (`registry_loading`).
    public var registryLoading: Bool = false
    public var pausesInForce: Int
    public var openMotions: Int
    /// The registry's digest (`Registry.digestHex`, Specs/registry.md 13.4): equal on nodes that
    /// applied the same entries.
    public var registryDigest: String
    /// Declarations in the pending pool: valid, not yet committed (Specs/gossip.md).
    public var poolDeclarations: Int = 0
    /// Bytes the pending pool holds.
    public var poolBytes: Int = 0
    /// Declarations the pool refused since start because it was full (`pool_full`).
    public var poolRefusedFull: Int = 0
    /// Censorship alarms in force: valid declarations this node has held uncommitted longer than
    /// the charter's `maxPendingSeconds` under a heartbeating leader (Specs/gossip.md).
    public var censorshipAlarms: [CensorshipAlarmView] = []
    /// Censorship alarms raised since start.
    public var censorshipAlarmsRaised: Int = 0
}

/// A censorship alarm as `/v1/status` shows it: the leader the evidence is against, its term, the
/// declaration that waits, and how long this node had held it when the alarm was raised.
public struct CensorshipAlarmView: Sendable, Codable, Hashable {
    public var leader: String
    public var term: UInt64
    public var declaration: String
    public var waitingSeconds: Int64
}

extension CensorshipAlarmView {
    /// The view of an alarm the core raised.
    init(_ alarm: BrakeReplica.CensorshipAlarm) {
        self.init(leader: alarm.leader, term: alarm.term, declaration: alarm.declaration, waitingSeconds: alarm.waitingMillis / 1000)
    }
}

/// How a `check` reads the registry.
public enum ReadConsistency: String, Sendable {
    /// Answer from this node's applied state if it heard from a quorum within the staleness bound.
    case local
    /// Confirm leadership with a quorum first (Raft ReadIndex), then answer from applied state.
    case linearizable
}

extension NodeDriver {
    /// The node's current status, computed on the driver (tests use it; the API reads
    /// `publishedStatus()` and adds the registry's figures off the driver).
    public func status() -> NodeStatus {
        var status = consensusStatus()
        let now = clock.now()
        status.fresh = replica.isFresh(maxStalenessMillis: freshnessWindow, at: now.monotonic)
        guard !replica.registryLoading else {
            status.registryLoading = true
            status.pausesInForce = (try? store.checkIndexCount()) ?? 0
            return status
        }
        status.pausesInForce = replica.registry.checkTable.countInForce(at: now.wall)
        Self.addRegistryFigures(replica.registry, to: &status, digest: true)
        return status
    }

    /// The status fields that come from consensus, as of now, with the registry's figures unset;
    /// the driver publishes them after every batch.
    func consensusStatus() -> NodeStatus {
        let raft = replica.raft
        return NodeStatus(
            node: nodeID,
            party: replica.currentCharter.node(id: nodeID)?.party ?? charter.node(id: nodeID)?.party ?? "",
            federation: charter.federation,
            term: raft.term,
            role: raft.role.rawValue,
            leader: raft.leader,
            vote: raft.vote,
            commitIndex: raft.commitIndex,
            appliedIndex: replica.registry.appliedIndex,
            lastIndex: raft.lastIndex,
            snapshotIndex: replica.snapshotIndex,
            snapshotsInstalled: replica.snapshotsInstalled,
            clockRefusedAppends: replica.refusedAppends,
            voters: raft.voters,
            learners: raft.learners,
            fresh: false,
            halted: replica.halted,
            pausesInForce: 0,
            openMotions: 0,
            registryDigest: "",
            poolDeclarations: replica.pool.count,
            poolBytes: replica.pool.totalBytes,
            poolRefusedFull: replica.pool.refusedFull,
            censorshipAlarms: replica.censorshipAlarms.map(CensorshipAlarmView.init),
            censorshipAlarmsRaised: replica.censorshipAlarmsRaised
        )
    }

    /// How recent quorum contact must be for `status` to call the node fresh: an election timeout.
    nonisolated var freshnessWindow: Int64 { Int64(configuration.tickMillis * configuration.electionTicks) }

    /// The status as last published, without entering the driver: consensus fields of the last
    /// batch, freshness judged now; the registry's figures are left unset (`openMotions`,
    /// `registryDigest`), except the pauses in force, from the check table.
    public nonisolated func publishedStatus() -> NodeStatus {
        let view = published.current
        var status = view.status
        let now = clock.now()
        status.fresh = view.basis.isFresh(maxStalenessMillis: freshnessWindow, at: now.monotonic)
        status.pausesInForce = view.table.countInForce(at: now.wall)
        if view.registryLoading {
            status.registryLoading = true
            // The index counts the pauses not lifted; their sunsets are not evaluated here.
            status.pausesInForce = (try? store.checkIndexCount()) ?? 0
        }
        return status
    }

    /// Fills in what the registry says beyond the published status: the open motions (counted by
    /// the registry's lookup, not by listing them) and, with `digest`, the registry digest (kept by
    /// the registry row by row, so neither costs more on a larger registry). The pauses in force
    /// come from the published check table (`publishedStatus`).
    static func addRegistryFigures(_ registry: Registry, to status: inout NodeStatus, digest: Bool) {
        status.openMotions = registry.openMotionCount
        if digest { status.registryDigest = registry.digestHex() }
    }

    /// Answers whether `scope` is paused.
    ///
    /// The local path answers from what the driver last published, without entering the driver,
    /// and answers `unknown` when that shows no contact with a quorum within `maxStalenessMillis`,
    /// measured on the monotonic clock now: a cut-off, resumed or stuck node must not say `clear`.
    /// The linearizable path confirms the read with a quorum first and answers `unknown` if that
    /// does not finish within the timeout.
    public func check(_ scope: Scope, maxStalenessMillis: Int, consistency: ReadConsistency, timeoutMillis: Int) async -> CheckVerdict {
        switch consistency {
        case .local:
            return checkLocal(scope, maxStalenessMillis: maxStalenessMillis)
        case .linearizable:
            guard await confirmRead(timeoutMillis: timeoutMillis) else {
                // Not confirmed: unknown, unless a self-certifying trigger this node holds covers it.
                return CheckTable.empty.check(
                    scope, at: clock.now().wall, fresh: false,
                    unknownReason: "could not confirm a linearizable read with a quorum within \(timeoutMillis) ms",
                    pending: replica.pendingTriggers)
            }
            guard let table = committedTable(covering: scope) else {
                return CheckTable.empty.check(
                    scope, at: clock.now().wall, fresh: false, unknownReason: "the check index could not be read", pending: replica.pendingTriggers)
            }
            return table.check(scope, at: clock.now().wall, fresh: true, unknownReason: "", pending: replica.pendingTriggers)
        }
    }

    /// The local check, from the published view.
    public nonisolated func checkLocal(_ scope: Scope, maxStalenessMillis: Int) -> CheckVerdict {
        let view = published.current
        let now = clock.now()
        let reason = view.basis.halted.map { "the node halted after a storage failure: \($0)" }
            ?? "this node has not heard from a quorum within \(maxStalenessMillis) ms"
        let fresh = view.basis.isFresh(maxStalenessMillis: Int64(maxStalenessMillis), at: now.monotonic)
        if view.registryLoading {
            return checkFromIndex(scope, view: view, fresh: fresh, unknownReason: reason)
        }
        return view.table.check(scope, at: now.wall, fresh: fresh, unknownReason: reason, pending: view.pending)
    }

    /// The registry as this node has applied it.
    public func currentRegistry() -> Registry { replica.registry }

    /// The time as the node reads it.
    public func currentTime() -> ReplicaTime { clock.now() }

    /// The wall clock as the node reads it, without entering the driver.
    public nonisolated func currentWallTime() -> Millis { clock.now().wall }
}
