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
    public var voters: [String]
    public var fresh: Bool
    public var halted: String?
    public var pausesInForce: Int
    public var openMotions: Int
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
        let now = clock()
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
            snapshotIndex: lastSnapshotIndex,
            snapshotsInstalled: snapshotsInstalled,
            voters: raft.voters,
            fresh: isFresh(withinMillis: configuration.tickMillis * configuration.electionTicks),
            halted: halted,
            pausesInForce: registry.pausesInForce(at: now).count,
            openMotions: registry.motions.filter { $0.state == .open }.count
        )
    }

    /// Whether this node heard from a quorum (or, as a follower, from its leader) within the bound.
    /// A one-voter federation is always fresh.
    func isFresh(withinMillis millis: Int) -> Bool {
        let tickCount = max(1, (millis + configuration.tickMillis - 1) / configuration.tickMillis)
        return raft.hasQuorumContact(withinTicks: tickCount) && registry.appliedIndex >= raft.commitIndex
    }

    /// Answers whether `scope` is paused.
    ///
    /// The local path answers `unknown` when the node cannot show it heard from a quorum within
    /// `maxStalenessMillis`: a cut-off node must not say `clear`. The linearizable path confirms the
    /// read with a quorum first and answers `unknown` if that does not finish within the timeout.
    public func check(_ scope: Scope, maxStalenessMillis: Int, consistency: ReadConsistency, timeoutMillis: Int) async -> CheckVerdict {
        switch consistency {
        case .local:
            guard isFresh(withinMillis: maxStalenessMillis) else {
                return CheckVerdict(
                    verdict: .unknown, scope: scope, pauses: [],
                    reason: "this node has not heard from a quorum within \(maxStalenessMillis) ms"
                )
            }
            return registry.check(scope, at: clock())
        case .linearizable:
            guard let readIndex = await confirmReadIndex(timeoutMillis: timeoutMillis) else {
                return CheckVerdict(
                    verdict: .unknown, scope: scope, pauses: [],
                    reason: "could not confirm a linearizable read with a quorum within \(timeoutMillis) ms"
                )
            }
            await waitApplied(readIndex)
            return registry.check(scope, at: clock())
        }
    }

    /// Runs Raft's ReadIndex: the index the registry must reach before a read is linearizable.
    func confirmReadIndex(timeoutMillis: Int) async -> UInt64? {
        let requestID = nextRequestID
        nextRequestID += 1
        return await withCheckedContinuation { (continuation: CheckedContinuation<UInt64?, Never>) in
            readWaiters[requestID] = continuation
            raft.readIndex(requestID: requestID)
            processReady()
            Task { [weak self] in
                try? await Task.sleep(for: .milliseconds(timeoutMillis))
                await self?.expireRead(requestID)
            }
        }
    }

    func expireRead(_ requestID: UInt64) {
        readWaiters.removeValue(forKey: requestID)?.resume(returning: nil)
    }

    func waitApplied(_ index: UInt64) async {
        guard registry.appliedIndex < index else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            appliedWaiters.append((index: index, continuation: continuation))
        }
    }

    /// The registry as this node has applied it.
    public func currentRegistry() -> Registry { registry }

    /// Committed log records from `from`, at most `limit`, for `/v1/log` and event replay.
    public func logEntries(from: UInt64, limit: Int) throws -> [Entry] {
        let applied = registry.appliedIndex
        guard from <= applied, limit > 0 else { return [] }
        let first = max(from, try store.firstIndex())
        let last = min(applied, first + UInt64(limit) - 1)
        guard first <= last else { return [] }
        return try store.entries(from: first, through: last)
    }

}
