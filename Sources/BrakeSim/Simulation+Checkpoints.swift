import BrakeCore
import BrakeLog
import BrakeRaft
import BrakeReplica

/// The checkpoint invariant: a checkpoint is final once a majority of the charter's nodes cosigned
/// it, and every honest node cosigns at most one root per size, so every node that finds a
/// checkpoint of some size final finds the same root.
extension Simulation {
    /// How many checkpoint sizes some node found final.
    public var finalCheckpointCount: Int { finalCheckpoints.count }

    /// The largest checkpoint size some node found final (0 for none).
    public var largestFinalCheckpoint: UInt64 { finalCheckpoints.keys.max() ?? 0 }

    /// Makes `node` present a forked history from the next declaration it applies (the test-only
    /// `CheckpointTesting.forkAtNextLeaf`), by restarting it with the switch on: a scenario that
    /// proves the checkpoint checks catch a fork.
    public mutating func presentForkedHistory(_ node: NodeID) {
        guard let i = nodeIndex[node] else { return }
        forkedCheckpoints.insert(node)
        crash(i, why: "scenario: restarted to present a forked history")
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
        let checkpoint = final.checkpoint
        let quorum = SignedCheckpoint.quorum(of: federation.charter)
        guard let verified = try? final.verifiedCosigners(SignedCheckpoint.cosigners(of: federation.charter)), verified.count >= quorum else {
            fail(.checkpointAgreement, "\(id) found \(checkpoint) final without \(quorum) verifying cosignatures: \(final.text)")
            return
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
