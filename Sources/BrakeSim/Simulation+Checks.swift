import BrakeCore
import BrakeRaft

/// The invariants checked at the end of every step (the others are checked as events happen:
/// see `handleReady`): identical registries at equal applied indices, policy safety, and
/// liveness once the faults stop.
extension Simulation {
    mutating func checkAfterStep() {
        guard violation == nil else { return }
        for i in 0..<nodeCount where checksEnabled && nodes[i].isUp && nodes[i].checkedApplied != nodes[i].applied {
            nodes[i].checkedApplied = nodes[i].applied
            let applied = nodes[i].applied
            let restored = nodes[i].restored
            nodes[i].restored = false
            if let problem = history.recordRegistry(nodes[i].registry, index: applied, node: nodes[i].id, bytes: restored) {
                fail(.registryDivergence, problem)
                return
            }
            if let problem = audit.check(pauses: nodes[i].registry.pauses, applied: applied) {
                fail(.policySafety, "\(nodes[i].id) at applied index \(applied): \(problem)")
                return
            }
        }
        if checksEnabled { checkPendingVerdicts() }
        guard violation == nil else { return }
        checkLiveness()
    }

    /// After the faults stop: within `livenessBound` ticks a leader must exist, the probe
    /// submission must be acknowledged, and every node must have applied everything committed.
    mutating func checkLiveness() {
        guard let quietSince, convergedAt == nil else { return }
        let leaders = nodes.filter { $0.raft?.role == .leader }
        let commit = history.committedIndex
        let charter = charterInForce
        // Gossip and the leader's proposals from its pool: every valid declaration that reached
        // any node was committed (or expired), so every pool drains. In a membership run, the
        // nodes the charter lists converge (a removed node stays behind) and the voters are them.
        let converged = clients.probeAcknowledged && !leaders.isEmpty && membershipSettled(charter: charter)
            && nodes.filter { mustConverge($0, charter: charter) }.allSatisfy {
                $0.isUp && $0.applied == commit && ($0.replica?.pool.count ?? 0) == 0
            }
        if converged {
            convergedAt = stepCount
            for node in nodes where mustConverge(node, charter: charter) {
                if let problem = history.recordRegistry(node.registry, index: node.applied, node: node.id, bytes: true) {
                    fail(.registryDivergence, "after convergence: \(problem)")
                    return
                }
            }
            note("converged at index \(commit)")
            return
        }
        guard stepCount - quietSince > livenessBound else { return }
        let leaderText = leaders.map { "\($0.id) (term \($0.raft?.term ?? 0))" }.joined(separator: ", ")
        let applied = nodes.map { "\($0.id)=\($0.applied) pool \($0.replica?.pool.count ?? 0)" }.joined(separator: " ")
            + (membership == nil ? "" : "; charter nodes \(charter.nodes.map(\.id)); membership \(leaders.first?.raft.map { "\($0.membership)" } ?? "none")")
        fail(.liveness, "\(livenessBound) ticks after the faults stopped: leaders [\(leaderText)], probe acknowledged \(clients.probeAcknowledged), committed \(commit), applied \(applied)")
    }
}
