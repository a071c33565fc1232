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
    public var voters: [String]
    public var fresh: Bool
    public var halted: String?
    public var pausesInForce: Int
    public var openMotions: Int
    /// Hex SHA-256 of the registry's snapshot encoding: equal on nodes that applied the same entries.
    public var registryDigest: String
}

/// How a `check` reads the registry.
public enum ReadConsistency: String, Sendable {
    /// Answer from this node's applied state if it heard from a quorum within the staleness bound.
    case local
    /// Confirm leadership with a quorum first (Raft ReadIndex), then answer from applied state.
    case linearizable
}

extension NodeDriver {
    /// The node's current status.
    public func status() -> NodeStatus {
        let now = clock.now()
        let raft = replica.raft
        let registry = replica.registry
        return NodeStatus(
            node: nodeID,
            party: charter.node(id: nodeID)?.party ?? "",
            federation: charter.federation,
            term: raft.term,
            role: raft.role.rawValue,
            leader: raft.leader,
            vote: raft.vote,
            commitIndex: raft.commitIndex,
            appliedIndex: registry.appliedIndex,
            lastIndex: raft.lastIndex,
            snapshotIndex: replica.snapshotIndex,
            snapshotsInstalled: replica.snapshotsInstalled,
            clockRefusedAppends: replica.refusedAppends,
            voters: raft.voters,
            fresh: replica.isFresh(maxStalenessMillis: Int64(configuration.tickMillis * configuration.electionTicks), at: now.monotonic),
            halted: replica.halted,
            pausesInForce: registry.pausesInForce(at: now.wall).count,
            openMotions: registry.motions.filter { $0.state == .open }.count,
            registryDigest: registry.digestHex()
        )
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
                return CheckVerdict(
                    verdict: .unknown, scope: scope, pauses: [],
                    reason: "could not confirm a linearizable read with a quorum within \(timeoutMillis) ms"
                )
            }
            return replica.registry.check(scope, at: clock.now().wall)
        }
    }

    /// The local check, from the published view.
    public nonisolated func checkLocal(_ scope: Scope, maxStalenessMillis: Int) -> CheckVerdict {
        let view = published.current
        let now = clock.now()
        guard view.basis.isFresh(maxStalenessMillis: Int64(maxStalenessMillis), at: now.monotonic) else {
            let reason = view.basis.halted.map { "the node halted after a storage failure: \($0)" }
                ?? "this node has not heard from a quorum within \(maxStalenessMillis) ms"
            return CheckVerdict(verdict: .unknown, scope: scope, pauses: [], reason: reason)
        }
        return view.table.check(scope, at: now.wall)
    }

    /// The registry as this node has applied it.
    public func currentRegistry() -> Registry { replica.registry }

    /// The time as the node reads it.
    public func currentTime() -> ReplicaTime { clock.now() }

    /// Committed log records from `from`, at most `limit`, for `/v1/log` and event replay.
    public func logEntries(from: UInt64, limit: Int) throws -> [Entry] {
        let applied = replica.registry.appliedIndex
        guard from <= applied, limit > 0 else { return [] }
        let first = max(from, try store.firstIndex())
        let last = min(applied, first + UInt64(limit) - 1)
        guard first <= last else { return [] }
        return try store.entries(from: first, through: last)
    }
}
