import BrakeCore

/// Two checkpoints, each cosigned by charter nodes, that cannot both describe one append-only log:
/// portable proof that some node presented a forked history (`Specs/log.md` 7.5).
///
/// Anyone holding the charter can check it with no trust in the node that found it: both notes'
/// cosignatures verify against the charter's checkpoint keys, and
/// - `splitView`: the two checkpoints have one size and different roots;
/// - `inconsistent`: the smaller checkpoint's root is not the prefix of the larger one's tree. The
///   node that found it had a tree whose root at the larger size is the larger checkpoint's and whose
///   root at the smaller size is not the smaller one's (a consistency proof between the two sizes of
///   that tree, `GET /v1/proof/consistency`, shows it to anyone).
///
/// Evidence is kept forever and never overwritten: its `id` names the pair of checkpoints, so the
/// same conflict found again (from other cosignatures, or after a restart) is the same record.
public struct ForkEvidence: Sendable, Hashable {
    /// What the two checkpoints show.
    public enum Kind: String, Sendable, Hashable {
        /// One size, two roots.
        case splitView = "split_view"
        /// Two sizes whose trees cannot be one log's.
        case inconsistent
    }

    /// The hex of `MTH` of the two checkpoint bodies as two leaves, smaller body first: a name of
    /// the pair that any verifier recomputes from the notes.
    public let id: String
    /// The kind of conflict.
    public let kind: Kind
    /// The checkpoint size the conflict is at (the larger one for `inconsistent`).
    public let size: UInt64
    /// The two conflicting checkpoints as signed notes, smaller size first (for one size, smaller
    /// body first).
    public let notes: [SignedCheckpoint]
    /// The nodes whose cosignatures are on either note, sorted.
    public let nodes: [String]
    /// When this node found it, by its wall clock (milliseconds since 1970).
    public let detectedAtMillis: Int64

    /// The evidence of `first` and `second` conflicting, found at `detectedAtMillis`; `nodes` are
    /// the node ids of their cosigners.
    public init(kind: Kind, _ first: SignedCheckpoint, _ second: SignedCheckpoint, nodes: [String], detectedAtMillis: Int64) {
        let ordered = [first, second].sorted { a, b in
            a.checkpoint.size != b.checkpoint.size
                ? a.checkpoint.size < b.checkpoint.size : a.checkpoint.body.lexicographicallyPrecedes(b.checkpoint.body)
        }
        self.id = Self.id(first.checkpoint, second.checkpoint)
        self.kind = kind
        self.size = max(first.checkpoint.size, second.checkpoint.size)
        self.notes = ordered
        self.nodes = Array(Set(nodes)).sorted()
        self.detectedAtMillis = detectedAtMillis
    }

    /// Restores evidence as stored; nil when the notes do not parse.
    public init?(id: String, kind: Kind, size: UInt64, notes: [String], nodes: [String], detectedAtMillis: Int64) {
        var parsed: [SignedCheckpoint] = []
        for note in notes {
            guard let signed = try? SignedCheckpoint(text: note) else { return nil }
            parsed.append(signed)
        }
        self.id = id
        self.kind = kind
        self.size = size
        self.notes = parsed
        self.nodes = nodes
        self.detectedAtMillis = detectedAtMillis
    }

    /// The id of the pair `a`, `b`, whatever their order.
    public static func id(_ a: Checkpoint, _ b: Checkpoint) -> String {
        let (x, y) = a.body.lexicographicallyPrecedes(b.body) ? (a.body, b.body) : (b.body, a.body)
        return MerkleHash.node(MerkleHash.leaf(x), MerkleHash.leaf(y)).hex
    }
}
