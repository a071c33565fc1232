import BrakeCore

/// The self-certifying trigger (Specs/gossip.md): a trigger this node holds, not yet committed,
/// whose recorded and pooled signatures already meet the trigger policy, makes `check` answer
/// `paused` (pending commit) for its scope, on any node that holds it, cut off or not.
extension BrakeReplica {
    /// The self-certifying triggers this node holds, by id. The shell publishes them beside the
    /// check table; they end when the motion commits (it leaves the pool), expires (the verdict
    /// drops it at check time; the pool at the next tick), or the registry stops admitting it.
    public var pendingTriggers: [PendingTrigger] {
        pool.entries.keys.sorted().compactMap { id in
            guard let entry = pool.entries[id], entry.wouldPass, let motion = entry.motion, motion.kind == .trigger else { return nil }
            let recorded = registry.motion(id: id)?.signerParties ?? []
            return PendingTrigger(
                id: id, scope: motion.scope, reason: motion.reason, signers: Set(recorded + entry.parties).sorted(),
                expires: motion.expires)
        }
    }

    /// The local `check` answer at `time`, as the shell gives it from what it publishes: the
    /// committed pauses if this node is fresh within `maxStalenessMillis`, `unknown` if not, and
    /// pending `paused` for the self-certifying triggers it holds. The simulation asks this.
    public func localCheck(_ scope: Scope, maxStalenessMillis: Int64, at time: ReplicaTime) -> CheckVerdict {
        let basis = readBasis()
        let reason = basis.halted.map { "the node halted after a storage failure: \($0)" }
            ?? "this node has not heard from a quorum within \(maxStalenessMillis) ms"
        return registry.checkTable.check(
            scope, at: time.wall, fresh: basis.isFresh(maxStalenessMillis: maxStalenessMillis, at: time.monotonic),
            unknownReason: reason, pending: pendingTriggers)
    }
}
