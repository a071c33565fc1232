import BrakeCore
import BrakeLog
import BrakeRaft
import BrakeReplica

/// The checkpoint invariant: a checkpoint is final once a majority of the nodes of the charter that
/// judges its size (the one in force after its last leaf, as the offline verifier judges it) cosigned
/// it, and every honest node cosigns at most one root per size, so every node that finds a
/// checkpoint of some size final finds the same root.
extension Simulation {
    /// How many checkpoint sizes some node found final.
    public var finalCheckpointCount: Int { finalCheckpoints.count }

    /// The largest checkpoint size some node found final (0 for none).
    public var largestFinalCheckpoint: UInt64 { finalCheckpoints.keys.max() ?? 0 }

    /// How many checkpoint sizes some node found final under a charter whose nodes are not the
    /// genesis charter's (amendments changed them before the checkpoint's last leaf).
    public var finalCheckpointsUnderChangedNodes: Int { checkpointObserver.finalUnderChangedNodes.count }

    /// Makes `node` present a forked history from the next declaration it applies (the test-only
    /// `CheckpointTesting.forkAtNextLeaf`), by restarting it with the switch on: a scenario that
    /// proves the checkpoint checks catch a fork.
    public mutating func presentForkedHistory(_ node: NodeID) {
        guard let i = nodeIndex[node] else { return }
        forkedCheckpoints.insert(node)
        crash(i, why: "scenario: restarted to present a forked history")
        restart(i)
    }

    /// Crashes `node` and starts it again from what its store kept (its checkpoint state with it).
    public mutating func restartNode(_ node: NodeID) {
        guard let i = nodeIndex[node] else { return }
        crash(i, why: "scenario: restarted")
        restart(i)
    }

    /// Checks the checkpoint writes of node `i`'s batch, made durable with step 1.
    mutating func observeCheckpoints(_ i: Int, _ writes: CheckpointWrites) {
        let id = nodes[i].id
        if let evidence = writes.evidence.first {
            // No node in the simulation forks: evidence means a bug in the core.
            fail(.checkpointAgreement, "\(id) kept \(evidence.kind.rawValue) evidence at size \(evidence.size) among honest nodes: \(evidence.notes.map(\.text))")
            return
        }
        guard let final = writes.final else { return }
        checkpointObserver.unjudged.append((id, final))
        judgeFinals()
    }

    /// The first application of a committed entry by any node (`i`): the observer's chain of
    /// charters moves on, and the finals it can now judge are judged.
    mutating func observeFirstApplied(_ i: Int, _ applied: AppliedEntry) {
        let index = applied.entry.index
        let charter = applied.result.charterChanged
            ? nodes[i].replica?.registry.charterHistory.last(where: { $0.index == index })?.charter : nil
        if applied.result.charterChanged, charter == nil {
            fail(.checkpointAgreement, "\(nodes[i].id) applied a charter change at entry \(index) that its registry does not list")
            return
        }
        checkpointObserver.firstApplied(applied.entry, genesis: federation.charter, newCharter: charter)
        judgeFinals()
    }

    /// Judges each final checkpoint whose size the observer reached: a majority of the nodes of the
    /// charter that judges its size must have cosigned it, and no other root of that size is final.
    mutating func judgeFinals() {
        for (id, final) in checkpointObserver.takeJudgeable() where violation == nil {
            judge(final, foundBy: id)
        }
    }

    private mutating func judge(_ final: SignedCheckpoint, foundBy id: NodeID) {
        let checkpoint = final.checkpoint
        let chain = checkpointObserver.charters ?? CheckpointCharters(genesis: federation.charter)
        let charter = chain.charter(judging: checkpoint.size)
        let quorum = SignedCheckpoint.quorum(of: charter)
        guard let verified = try? final.verifiedCosigners(SignedCheckpoint.cosigners(of: charter)), verified.count >= quorum else {
            fail(.checkpointAgreement, "\(id) found \(checkpoint) final without \(quorum) verifying cosignatures of the nodes \(charter.nodes.map(\.id)) of the charter that judges that size: \(final.text)")
            return
        }
        if Set(charter.nodes.map(\.id)) != Set(federation.charter.nodes.map(\.id)) {
            checkpointObserver.finalUnderChangedNodes.insert(checkpoint.size)
        }
        if let seen = finalCheckpoints[checkpoint.size] {
            if seen.root != checkpoint.root {
                fail(.checkpointAgreement, "\(id) found root \(checkpoint.root.hex) final at size \(checkpoint.size), \(seen.node) found \(seen.root.hex)")
            }
        } else {
            finalCheckpoints[checkpoint.size] = (checkpoint.root, id)
            note("\(id) found \(checkpoint) final with \(verified.count) cosignatures")
        }
    }
}
