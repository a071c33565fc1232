import BrakeCore

/// Verifies a log bundle with no node (`Specs/bundle.md` 4): the charter, the checkpoint's
/// cosignatures against the charter's nodes, every entry's DSSE signatures, the tree recomputed
/// from the entries against the checkpoint's root, and the registry replayed from the entries.
///
/// It streams, so a bundle of any length verifies in bounded memory: `init(header:)` checks the
/// header, `append(_:)` takes each entry in order and keeps only the tree's right edge and the
/// registry, and `finish()` checks the tree head and returns the report. The costly part of an
/// entry (its leaf hash and its Ed25519 signatures) is `prepare(_:charter:)`, a pure static
/// function the shell runs on every core; `append` then does the cheap, ordered part. The first
/// thing that fails throws a `BundleFailure` naming it.
///
/// The charter can change along the log (`Specs/registry.md`, amendments and revocations). The
/// header carries only the genesis charter, the one every founding party signed; the replay follows
/// the chain from there, each amendment judged by the charter before it, exactly as the nodes judged
/// it. So every entry's signatures are checked under the charter in force at that entry
/// (`currentCharter`), and the checkpoint's cosignatures under the charter in force at the
/// checkpoint: a holder of the genesis charter alone verifies the latest state.
public struct BundleVerifier: Sendable {
    /// The genesis charter, verified: signed by every founding party.
    public let charter: Charter
    /// The header as read.
    public let header: BundleHeader
    /// The checkpoint and its cosignatures, as the note carries them.
    public let signedCheckpoint: SignedCheckpoint
    /// The cosignatures that verify under the checkpoint keys of the nodes of the charter in force
    /// at the checkpoint; known once `finish()` has checked them.
    public private(set) var verifiedCosignatures: [Cosignature] = []

    private var frontier = MerkleFrontier()
    var registry: Registry
    /// Which charter judges a checkpoint of each size, as the replay reached it: the same value the
    /// nodes build, so the verifier judges the checkpoint exactly as they did.
    public private(set) var checkpointCharters: CheckpointCharters
    private var lastIndex: UInt64 = 0
    private var signatureCount = 0
    private var rejected: [BundleReport.RejectedEntry] = []

    /// Checks the header: a complete history, a genesis charter every founding party signed, and a
    /// signed checkpoint of this federation (its cosignatures are checked by `finish()`, under the
    /// charter the replay reaches).
    public init(header: BundleHeader) throws(BundleFailure) {
        guard header.historyFrom == 1 else {
            throw BundleFailure(
                "header", code: "incomplete_history",
                "the bundle's history begins at entry \(header.historyFrom), not 1 (the node that exported it installed a snapshot): "
                    + "a verifier needs every entry from the first to recompute the tree and replay the registry; "
                    + "export from a node whose history is complete")
        }
        let charter: Charter
        do { charter = try Charter.verify(header.charter) } catch {
            throw BundleFailure("charter", code: error.code.rawValue, error.message)
        }
        guard sameBytes(charter.federation, header.federation) else {
            throw BundleFailure("header", code: "invalid_bundle", "the header names federation \(header.federation), the charter \(charter.federation)")
        }
        guard let note = header.checkpoint.note else {
            throw BundleFailure(
                "checkpoint", code: "unsigned_checkpoint",
                "the bundle carries no signed checkpoint (the node served none), so nothing ties its entries to what the federation's nodes cosigned")
        }
        let signed: SignedCheckpoint
        do { signed = try SignedCheckpoint(text: note) } catch {
            throw BundleFailure("checkpoint", code: error.code.rawValue, error.message)
        }
        let checkpoint = signed.checkpoint
        guard sameBytes(checkpoint.origin, charter.federation) else {
            throw BundleFailure("checkpoint", code: "invalid_checkpoint", "the checkpoint is for log \(checkpoint.origin), not federation \(charter.federation)")
        }
        guard checkpoint.size == header.checkpoint.size, checkpoint.root == header.checkpoint.root else {
            throw BundleFailure(
                "checkpoint", code: "invalid_bundle",
                "the header says size \(header.checkpoint.size) root \(Base64.encode(header.checkpoint.root.bytes)), "
                    + "the signed note size \(checkpoint.size) root \(Base64.encode(checkpoint.root.bytes))")
        }
        self.charter = charter
        self.header = header
        self.signedCheckpoint = signed
        self.registry = Registry(charter: charter)
        self.checkpointCharters = CheckpointCharters(genesis: charter)
    }

    /// The cosignatures of the charter's nodes that verify, or the first that names a node of the
    /// charter but does not verify (wrong key ID or signature). A majority of the nodes must verify.
    static func verifyCosignatures(_ signed: SignedCheckpoint, charter: Charter) throws(BundleFailure) -> [Cosignature] {
        let trusted = SignedCheckpoint.cosigners(of: charter)
        for cosignature in signed.cosignatures {
            guard let key = trusted[cosignature.keyName] else { continue }
            guard cosignature.names(keyName: cosignature.keyName, key: key) else {
                let wanted = Cosignature.keyID(keyName: cosignature.keyName, key: key)
                throw BundleFailure(
                    "checkpoint", code: "invalid_cosignature",
                    "the cosignature of \(cosignature.keyName) has key ID \(hex(cosignature.keyID)), "
                        + "not the ID \(hex(wanted)) of the checkpoint key the charter pins for that node")
            }
        }
        let verified: Set<String>
        do { verified = try signed.verifiedCosigners(trusted) } catch {
            throw BundleFailure("checkpoint", code: error.code.rawValue, error.message)
        }
        let quorum = SignedCheckpoint.quorum(of: charter)
        guard verified.count >= quorum else {
            throw BundleFailure(
                "checkpoint", code: "not_final",
                "cosigned by \(verified.count) of the charter's \(charter.nodes.count) nodes; a final checkpoint needs \(quorum)")
        }
        return signed.cosignatures.filter { verified.contains($0.keyName) }
    }

    /// The checkpoint the entries must add up to.
    public var checkpoint: Checkpoint { signedCheckpoint.checkpoint }

    /// The charter in force after the entries appended so far: the one the next entry is judged by,
    /// and the one to `prepare` the next entries under.
    public var currentCharter: Charter { registry.charter }

    /// Entries appended so far.
    public var entriesVerified: UInt64 { frontier.size }

    /// The costly, order-free part of checking one entry: its leaf hash, its DSSE signatures under
    /// the charter's keys, and the entry data the replay applies. Pure and thread-safe: run it on
    /// every core, then `append` the results in order.
    public static func prepare(_ entry: BundleEntry, charter: Charter) -> PreparedEntry {
        let leafBytes = entry.leaf.bytes
        return PreparedEntry(
            entry: entry, charter: charter, leafHash: MerkleHash.leaf(leafBytes),
            record: LogRecord(time: entry.leaf.time, envelope: entry.leaf.envelope).encoded(),
            signatures: Result { () throws(BrakeError) in try SignatureMemo.verifying(entry.leaf.envelope, under: charter) },
            signatureCount: entry.leaf.envelope.signatures.count)
    }

    /// Takes the next entry: its position follows the last, its index rises, its leaf hash is the
    /// one stated, its signatures verified; then it joins the tree and the replay.
    public mutating func append(_ prepared: PreparedEntry) throws(BundleFailure) {
        let entry = prepared.entry
        let index = entry.leaf.entryIndex
        let location = BundleFailure.entry(index)
        guard entry.position == frontier.size else {
            throw BundleFailure(
                location, code: "invalid_leaf",
                "it is leaf \(entry.position), but \(frontier.size) leaves came before it: a bundle holds every leaf from the first, in order")
        }
        guard entry.position < checkpoint.size else {
            throw BundleFailure(location, code: "size_mismatch", "leaf \(entry.position) is beyond the checkpoint's \(checkpoint.size) leaves")
        }
        guard index > lastIndex else {
            throw BundleFailure(location, code: "invalid_leaf", "entry indexes must rise along the leaves; the previous leaf was entry \(lastIndex)")
        }
        // Signatures first: a changed payload or signature is named as such, not as a changed leaf.
        // Prepared under a charter an amendment or revocation has since replaced: check again under
        // the charter in force, in order (rare: only the entries prepared ahead of a change).
        var prepared = prepared
        if prepared.charter != registry.charter {
            prepared = Self.prepare(entry, charter: registry.charter)
        }
        let memo: SignatureMemo
        switch prepared.signatures {
        case .success(let verified): memo = verified
        case .failure(let error):
            // A key an earlier charter listed is the registry's to refuse (`revoked_key`: an honest log
            // may commit one it then rejects); anything else is a bundle that does not verify.
            try checkUnverified(entry.leaf.envelope, error: error, at: location)
            memo = .none
        }
        guard prepared.leafHash == entry.statedLeafHash else {
            throw BundleFailure(
                location, code: "invalid_leaf",
                "its leaf hash is \(prepared.leafHash.hex), the bundle says \(entry.statedLeafHash.hex): the entry was changed after export")
        }
        _ = frontier.append(leafHash: prepared.leafHash)
        let result = registry.apply(index: index, data: prepared.record, memo: memo)
        if result.charterChanged { checkpointCharters.follow(registry.charter, fromSize: frontier.size) }
        if case .rejected(let error) = result.outcome {
            try checkRejectedChange(entry.leaf.envelope, error: error, at: location)
            rejected.append(BundleReport.RejectedEntry(index: index, code: error.code.rawValue, message: error.message))
        }
        signatureCount += prepared.signatureCount
        lastIndex = index
    }

    /// Checks that the entries are exactly the checkpoint's tree, replays through the applied index
    /// the header names, checks the checkpoint's cosignatures under the charter that judges its size
    /// (`CheckpointCharters`: the one in force after its last leaf), and reports.
    public mutating func finish() throws(BundleFailure) -> BundleReport {
        guard frontier.size == checkpoint.size else {
            throw BundleFailure("tree", code: "size_mismatch", "the bundle holds \(frontier.size) leaves; the checkpoint is for \(checkpoint.size)")
        }
        let root = frontier.root
        guard root == checkpoint.root else {
            throw BundleFailure(
                "tree", code: "root_mismatch",
                "root at size \(checkpoint.size) is \(Base64.encode(root.bytes)), the checkpoint says \(Base64.encode(checkpoint.root.bytes))")
        }
        // Entries after the last leaf carried no declaration (no-ops): they move only the applied
        // index, so the replay's digest is the node's at the checkpoint.
        if header.checkpoint.appliedIndex > lastIndex {
            _ = registry.apply(index: header.checkpoint.appliedIndex, data: [])
        }
        let judge = checkpointCharters.charter(judging: checkpoint.size)
        do throws(BundleFailure) {
            verifiedCosignatures = try Self.verifyCosignatures(signedCheckpoint, charter: judge)
        } catch where error.code == "not_final" {
            throw unpassedNodeChange(error) ?? error
        }
        return BundleReport(
            checkpoint: checkpoint, cosignatures: verifiedCosignatures, quorum: SignedCheckpoint.quorum(of: judge),
            signatures: signatureCount, rejected: rejected, registry: registry)
    }
}

/// An entry with its costly checks done (`BundleVerifier.prepare`), ready to append in order.
public struct PreparedEntry: Sendable {
    let entry: BundleEntry
    /// The charter the signatures were checked under (compared, not hashed: its arrays are shared,
    /// so the comparison is cheap while it is the one in force).
    let charter: Charter
    let leafHash: MerkleHash
    let record: [UInt8]
    let signatures: Result<SignatureMemo, BrakeError>
    let signatureCount: Int
}

private func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
}

/// Strings equal by their UTF-8 bytes, not by Unicode canonical equivalence (as the registry compares them).
private func sameBytes(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
