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
/// - A checkpoint of size `n` is judged by the charter in force after its `n`th leaf
///   (`CheckpointCharters`, the offline verifier's rule): its nodes' keys verify the cosignatures, a
///   majority of its nodes makes it final, and a node cosigns it only if that charter lists it with
///   its key. A node that has not applied `n` leaves cannot tell that charter (an amendment may still
///   come before leaf `n`), so a note of such a size waits, as received, until the node gets there.
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
        guard checkpoints.diverged == nil, let size = checkpoints.treeSize, size > 0, checkpoints.canSign(size: size) else { return }
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
    /// another log, or carry a cosignature that a key of the judging charter does not verify are
    /// dropped; a note of a size this node has not applied waits (`keepAhead`).
    mutating func receiveCheckpoint(_ text: String, proposal: Bool, from sender: NodeID) {
        guard let parsed = try? SignedCheckpoint(text: text), parsed.checkpoint.origin == checkpoints.origin else { return }
        guard parsed.checkpoint.size <= checkpoints.chainThrough else {
            // A node without its tree never gets there: nothing to keep.
            guard checkpoints.tree != nil else { return }
            keepAhead(AheadNote(size: parsed.checkpoint.size, text: text, proposal: proposal, sender: sender))
            return
        }
        guard let note = verifiedNote(parsed) else { return }
        let merged = absorb(note)
        guard proposal, note.cosignature(keyName: Cosignature.keyName(origin: checkpoints.origin, node: sender)) != nil else { return }
        consider(merged, proposer: sender)
    }

    /// A committed entry was applied: a declaration is the next leaf of the node's own tree; when it
    /// made a new charter current, that charter judges from this size on; and the notes that waited
    /// for this size are taken as if they arrived now.
    mutating func checkpointEntryApplied(_ leaf: LogLeaf?, charterChanged: Bool) {
        guard checkpoints.tree != nil, let leaf else { return }
        var hash = leaf.hash
        if checkpoints.forkAtNextLeaf {
            // Test-only: this node's tree forks here (`CheckpointTesting.forkAtNextLeaf`).
            checkpoints.forkAtNextLeaf = false
            hash = MerkleHash.leaf(leaf.bytes + [0x00])
        }
        checkpoints.appendLeaf(hash)
        let size = checkpoints.treeSize ?? 0
        if charterChanged { checkpoints.charters.follow(registry.charter, fromSize: size) }
        checkpoints.chainThrough = size
        if let cosigned = checkpoints.cosigned, cosigned.checkpoint.size == size, checkpoints.root(atSize: size) != cosigned.checkpoint.root {
            checkpoints.diverged = "this node's tree reached size \(size) with another root than the one it cosigned there"
        }
        guard let first = checkpoints.ahead.first, first.size <= size else { return }
        let due = checkpoints.ahead.prefix { $0.size <= size }
        checkpoints.ahead.removeFirst(due.count)
        for note in due {
            receiveCheckpoint(note.text, proposal: note.proposal, from: note.sender)
        }
    }

    /// Keeps a note of a size beyond `chainThrough` until the node gets there, in size order, once.
    /// Past `CheckpointBook.aheadLimit` the largest size goes: it would wait longest, and an honest
    /// leader proposes again, and sends the final note, while a checkpoint is not final.
    mutating func keepAhead(_ note: AheadNote) {
        guard !checkpoints.ahead.contains(where: { $0.text == note.text && $0.proposal == note.proposal }) else { return }
        let at = checkpoints.ahead.firstIndex { $0.size > note.size } ?? checkpoints.ahead.endIndex
        checkpoints.ahead.insert(note, at: at)
        if checkpoints.ahead.count > CheckpointBook.aheadLimit { checkpoints.ahead.removeLast() }
    }

    /// A snapshot replaced the registry: the entries it covers are not on this node, so it can no
    /// longer tell its tree's roots, and cosigns nothing until its history is whole again. It still
    /// judges notes of the sizes it had applied (it knows their charters), and no larger ones.
    mutating func checkpointTreeLost() {
        checkpoints.tree = nil
        checkpoints.roots = [:]
        checkpoints.ahead = []
    }

    // MARK: Decisions

    /// The note with only its cosignatures that keys of the charter judging its size verify; nil
    /// when it has none, or has one under such a key name that does not verify. Its size must be one
    /// this node can judge (at most `chainThrough`).
    func verifiedNote(_ note: SignedCheckpoint) -> SignedCheckpoint? {
        let trusted = checkpoints.trusted(size: note.checkpoint.size)
        let known = checkpoints.gathered[note.checkpoint.size]?[note.checkpoint.root]
        var kept: [Cosignature] = []
        for cosignature in note.cosignatures {
            guard let key = trusted[cosignature.keyName], cosignature.names(keyName: cosignature.keyName, key: key) else { continue }
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
        if merged.cosignatures.count >= checkpoints.quorum(size: checkpoint.size) {
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
    /// cosignature of the proposal when the roots agree, its dissent when they do not), if this node
    /// is one whose cosignature counts at that size.
    mutating func consider(_ note: SignedCheckpoint, proposer: NodeID) {
        let size = note.checkpoint.size
        guard checkpoints.canSign(size: size), checkpoints.diverged == nil, let treeSize = checkpoints.treeSize else { return }
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
        // A proposal beyond the tree waited in `ahead` until the node applied its size.
        guard size <= treeSize, let signed = signOwnRoot(atSize: size) else { return }
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

    /// The node's own cosignature of its root at `size`: the one it made before, or a new one; nil
    /// when its cosignature does not count at that size (`canSign`).
    func ownNote(size: UInt64, root: MerkleHash) -> SignedCheckpoint? {
        guard checkpoints.canSign(size: size), let key = checkpoints.key, let checkpoint = try? Checkpoint(origin: checkpoints.origin, size: size, root: root) else { return nil }
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
