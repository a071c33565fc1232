import BrakeCore
import BrakeLog
import BrakeRaft

/// Checkpoint decisions (`Specs/log.md` 7.5): when the leader proposes one, when a node cosigns,
/// when a checkpoint is final, and what is evidence of a fork.
///
/// - The node tracks its own Merkle tree as it applies entries (the same leaves the store places), so
///   it knows its root at every recent size without asking the store.
/// - Only the leader proposes: its applied tree size and root, every `checkpointEveryEntries` leaves
///   or `checkpointEveryMillis`, whichever comes first, and again at that interval while the
///   checkpoint is not final (messages may be lost).
/// - A node only ever signs its own tree's root at a size, and only while its tree still has the
///   root it last cosigned at that one's size (it is consistent with it). Given a proposal, it signs
///   its root at the proposal's size (waiting until it applied that far) and sends its cosignature to
///   every node: when it agrees, that is a cosignature of the proposal; when it does not, it is its
///   dissent, and the split view it shows is evidence on every node.
/// - A checkpoint is final once a majority of the charter's nodes cosigned it.
/// - Every valid cosignature is compared with those gathered and with the node's own tree; a
///   conflict is kept as `ForkEvidence` (once per pair, never overwritten).
extension BrakeReplica {
    /// What this node knows about checkpoints: its latest cosigned and final ones, evidence counts.
    public var checkpointState: CheckpointBook { checkpoints }

    // MARK: Inputs from the other parts of the core

    /// On each tick: the leader proposes a checkpoint when one is due.
    mutating func proposeCheckpointIfDue() {
        guard raft.role == .leader else {
            checkpoints.proposed = nil
            return
        }
        guard checkpoints.key != nil, checkpoints.diverged == nil, let size = checkpoints.treeSize, size > 0 else { return }
        if let final = checkpoints.final, final.checkpoint.size >= size { return }
        if let last = checkpoints.proposed {
            let enoughLeaves = size > last.size && size - last.size >= config.checkpointEveryEntries
            guard enoughLeaves || now.monotonic - last.at >= config.checkpointEveryMillis else { return }
        }
        guard let note = signOwnRoot(atSize: size) else { return }
        checkpoints.proposed = (size, now.monotonic)
        broadcastCheckpoint(.checkpointProposal(note: note.text))
    }

    /// A peer's checkpoint: a leader's proposal, or cosignatures. Notes that do not parse, name
    /// another log, or carry a cosignature that a charter key does not verify are dropped.
    mutating func receiveCheckpoint(_ text: String, proposal: Bool, from sender: NodeID) {
        guard let note = verifiedNote(text) else { return }
        let merged = absorb(note)
        guard proposal, note.cosignature(keyName: Cosignature.keyName(origin: checkpoints.origin, node: sender)) != nil else { return }
        consider(merged, proposer: sender)
    }

    /// A committed entry was applied: a declaration is the next leaf of the node's own tree, and a
    /// proposal that waited for this size is decided.
    mutating func checkpointEntryApplied(_ leaf: LogLeaf?) {
        guard checkpoints.tree != nil, let leaf else { return }
        var hash = leaf.hash
        if checkpoints.forkAtNextLeaf {
            // Test-only: this node's tree forks here (`CheckpointTesting.forkAtNextLeaf`).
            checkpoints.forkAtNextLeaf = false
            hash = MerkleHash.leaf(leaf.bytes + [0x00])
        }
        checkpoints.appendLeaf(hash)
        let size = checkpoints.treeSize ?? 0
        if let cosigned = checkpoints.cosigned, cosigned.checkpoint.size == size, checkpoints.root(atSize: size) != cosigned.checkpoint.root {
            checkpoints.diverged = "this node's tree reached size \(size) with another root than the one it cosigned there"
        }
        if let waiting = checkpoints.waiting, waiting.note.checkpoint.size <= size {
            checkpoints.waiting = nil
            consider(waiting.note, proposer: waiting.proposer)
        }
    }

    /// A snapshot replaced the registry: the entries it covers are not on this node, so it can no
    /// longer tell its tree's roots, and cosigns nothing until its history is whole again.
    mutating func checkpointTreeLost() {
        checkpoints.tree = nil
        checkpoints.roots = [:]
        checkpoints.waiting = nil
    }

    // MARK: Decisions

    /// The note with only its cosignatures that charter keys verify; nil when it does not parse, is
    /// of another log, has none, or has one under a charter key name that does not verify.
    func verifiedNote(_ text: String) -> SignedCheckpoint? {
        guard let note = try? SignedCheckpoint(text: text), note.checkpoint.origin == checkpoints.origin else { return nil }
        let known = checkpoints.gathered[note.checkpoint.size]?[note.checkpoint.root]
        var kept: [Cosignature] = []
        for cosignature in note.cosignatures {
            guard let key = checkpoints.trusted[cosignature.keyName], cosignature.names(keyName: cosignature.keyName, key: key) else { continue }
            if known?.cosignature(keyName: cosignature.keyName) == cosignature || cosignature.isValid(for: note.checkpoint, key: key) {
                kept.append(cosignature)
            } else {
                return nil
            }
        }
        return kept.isEmpty ? nil : SignedCheckpoint(checkpoint: note.checkpoint, cosignatures: kept)
    }

    /// Gathers a verified note: compares it with what is gathered and with the node's own tree
    /// (evidence), adds its cosignatures, and records a new final checkpoint. Returns the note with
    /// every cosignature gathered for its checkpoint.
    @discardableResult
    mutating func absorb(_ note: SignedCheckpoint) -> SignedCheckpoint {
        let checkpoint = note.checkpoint
        for (root, other) in checkpoints.gathered[checkpoint.size] ?? [:] where root != checkpoint.root {
            keepEvidence(.splitView, other, note)
        }
        if let own = checkpoints.root(atSize: checkpoint.size), own != checkpoint.root, let ours = ownNote(size: checkpoint.size, root: own) {
            checkpoints.remember(ours)
            keepEvidence(.splitView, ours, note)
        }
        findInconsistency(with: note)
        let merged = checkpoints.remember(note)
        if merged.cosignatures.count >= checkpoints.quorum {
            let current = checkpoints.final
            let newer = current.map { checkpoint.size > $0.checkpoint.size } ?? true
            let more = current.map { $0.checkpoint == checkpoint && merged.cosignatures.count > $0.cosignatures.count } ?? false
            if newer || more {
                checkpoints.final = merged
                pending.checkpoints.final = merged
                // The proposer tells everyone, so that nodes that missed some cosignatures know too.
                if newer, raft.role == .leader, checkpoints.proposed?.size == checkpoint.size {
                    broadcastCheckpoint(.checkpointCosignatures(note: merged.text))
                }
            }
        }
        return merged
    }

    /// Two notes of different sizes that share a cosigner, where this node's tree has the larger
    /// one's root but not the smaller one's: no single log has both, and the cosigner signed both.
    mutating func findInconsistency(with note: SignedCheckpoint) {
        let signers = Set(note.cosignatures.map(\.keyName))
        for (size, byRoot) in checkpoints.gathered where size != note.checkpoint.size {
            for other in byRoot.values where !signers.isDisjoint(with: other.cosignatures.map(\.keyName)) {
                let (small, large) = size < note.checkpoint.size ? (other, note) : (note, other)
                guard checkpoints.root(atSize: large.checkpoint.size) == large.checkpoint.root,
                      let ownSmall = checkpoints.root(atSize: small.checkpoint.size), ownSmall != small.checkpoint.root else { continue }
                keepEvidence(.inconsistent, small, large)
            }
        }
    }

    /// Decides on a proposal: sign this node's own root at its size and send it to every node (a
    /// cosignature of the proposal when the roots agree, its dissent when they do not).
    mutating func consider(_ note: SignedCheckpoint, proposer: NodeID) {
        guard checkpoints.key != nil, checkpoints.diverged == nil, let treeSize = checkpoints.treeSize else { return }
        let size = note.checkpoint.size
        if let last = checkpoints.cosigned?.checkpoint {
            if size < last.size { return }
            if size == last.size {
                // Already answered: the proposer may have missed it.
                if last.root == note.checkpoint.root, proposer != nodeID {
                    sendCheckpoint(.checkpointCosignatures(note: checkpoints.gatheredNote(last).text), to: proposer)
                }
                return
            }
        }
        guard size <= treeSize else {
            if (checkpoints.waiting?.note.checkpoint.size ?? 0) < size { checkpoints.waiting = (note, proposer) }
            return
        }
        guard let signed = signOwnRoot(atSize: size) else { return }
        broadcastCheckpoint(.checkpointCosignatures(note: signed.text))
    }

    /// Signs this node's own root at `size` as its latest cosigned checkpoint, if it is consistent
    /// with the last one: the node's tree must still have that one's root at its size. Returns the
    /// note with every cosignature gathered for it.
    mutating func signOwnRoot(atSize size: UInt64) -> SignedCheckpoint? {
        guard checkpoints.diverged == nil, let root = checkpoints.root(atSize: size) else { return nil }
        if let last = checkpoints.cosigned?.checkpoint {
            guard size >= last.size else { return nil }
            if let rootThen = checkpoints.root(atSize: last.size), rootThen != last.root {
                checkpoints.diverged = "this node's tree has root \(rootThen.hex) at size \(last.size), but it cosigned \(last.root.hex) there"
                return nil
            }
        }
        guard let mine = ownNote(size: size, root: root) else { return nil }
        if size > checkpoints.cosigned?.checkpoint.size ?? 0 {
            checkpoints.cosigned = mine
            pending.checkpoints.cosigned = mine
        }
        return absorb(mine)
    }

    /// The node's own cosignature of its root at `size`: the one it made before, or a new one.
    func ownNote(size: UInt64, root: MerkleHash) -> SignedCheckpoint? {
        guard let key = checkpoints.key, let checkpoint = try? Checkpoint(origin: checkpoints.origin, size: size, root: root) else { return nil }
        let earlier = checkpoints.gathered[size]?[root]?.cosignature(keyName: checkpoints.keyName)
            ?? (checkpoints.cosigned?.checkpoint == checkpoint ? checkpoints.cosigned?.cosignature(keyName: checkpoints.keyName) : nil)
        let cosignature = earlier ?? Cosignature.sign(
            checkpoint, keyName: checkpoints.keyName, key: key, timestamp: UInt64(max(now.wall, 0) / 1_000))
        return SignedCheckpoint(checkpoint: checkpoint, cosignatures: [cosignature])
    }

    /// Keeps the evidence of two conflicting notes once.
    mutating func keepEvidence(_ kind: ForkEvidence.Kind, _ a: SignedCheckpoint, _ b: SignedCheckpoint) {
        let id = ForkEvidence.id(a.checkpoint, b.checkpoint)
        guard checkpoints.evidenceIDs.insert(id).inserted else { return }
        checkpoints.evidenceFound += 1
        pending.checkpoints.evidence.append(ForkEvidence(
            kind: kind, a, b, nodes: checkpoints.nodes(of: a) + checkpoints.nodes(of: b), detectedAtMillis: now.wall))
    }

    mutating func broadcastCheckpoint(_ body: PeerMessage.Body) {
        for peer in peerList {
            sendCheckpoint(body, to: peer)
        }
    }

    mutating func sendCheckpoint(_ body: PeerMessage.Body, to peer: NodeID) {
        pending.messages.append(PeerMessage(from: nodeID, to: peer, body: body))
    }
}
