import BrakeCore
import BrakeFiles
import BrakeLog
import BrakeReplica
import BrakeStore

/// The shell's part in checkpoints: it reads what the store holds for the core at start, and makes
/// the core's checkpoint decisions durable before the messages that depend on them leave the node.
extension NodeDriver {
    /// What the store holds about checkpoints: the notes, the evidence ids, and the node's own tree
    /// (its frontier, read back from the stored peaks) when its history starts at entry 1, with the
    /// tree size after each entry in `charterChanges` (the entries that made a new charter current:
    /// each is a leaf, whose history row holds its position).
    static func storedCheckpoints(_ store: BrakeStore, charterChanges: [UInt64]) throws -> StoredCheckpoints {
        let rows = try store.checkpointRows()
        var charterSizes: [UInt64: UInt64] = [:]
        let tree = try store.readHistory { history -> (MerkleFrontier, MerkleHash?)? in
            guard history.isComplete else { return nil }
            for index in charterChanges {
                if case .leaf(let position?, _) = try history.record(at: index)?.content { charterSizes[index] = position + 1 }
            }
            let frontier = try MerkleFrontier(size: history.treeSize, reading: history)
            var atCosigned: MerkleHash?
            if let size = rows.cosigned?.checkpoint.size, size > 0, size <= history.treeSize {
                atCosigned = try history.tree.root(atSize: size)
            }
            return (frontier, atCosigned)
        }
        return StoredCheckpoints(
            tree: tree?.0, rootAtCosignedSize: tree?.1, cosigned: rows.cosigned, final: rows.final, evidenceIDs: rows.evidenceIDs,
            charterSizes: charterSizes)
    }

    /// Step 1 of a batch, after Raft's own write: what the node cosigned, the latest final
    /// checkpoint and new evidence, in one fsynced transaction. New evidence is logged, and the event
    /// streams are woken so they announce it (`fork_evidence`).
    func persistCheckpoints(_ writes: CheckpointWrites) throws {
        guard !writes.isEmpty else { return }
        try store.putCheckpoints(cosigned: writes.cosigned, final: writes.final, evidence: writes.evidence)
        if let final = writes.final {
            logger.debug("checkpoint \(final.checkpoint) final with \(final.cosignatures.count) cosignatures")
        }
        for evidence in writes.evidence {
            logger.critical("fork evidence \(evidence.id) (\(evidence.kind.rawValue)) at size \(evidence.size), cosigned by \(evidence.nodes.joined(separator: ", "))")
        }
        if !writes.evidence.isEmpty { events.applied(through: replica.registry.appliedIndex) }
    }
}

extension NodeDriver {
    /// This node's checkpoint key from its identity directory, or nil when the configuration names
    /// none (a single-node federation may run without one: it then signs no checkpoint). Refuses
    /// (`config`) a key that is not the one the charter pins for this node.
    public static func checkpointKey(configuration: NodeConfiguration, charter: Charter) throws -> SigningKey? {
        guard let directory = configuration.identityDirectory else { return nil }
        let identity = try NodeIdentity.load(directory: directory)
        // A node an amendment adds has its key pinned by that amendment, not by the genesis charter.
        if charter.node(id: configuration.nodeID) == nil { return identity.checkpointKey }
        guard let own = charter.node(id: configuration.nodeID), identity.checkpointKey.publicKey == own.checkpointKey else {
            throw NodeError(.config, "the checkpoint key in \(directory) is not the one the charter pins for node \(configuration.nodeID)")
        }
        return identity.checkpointKey
    }
}
