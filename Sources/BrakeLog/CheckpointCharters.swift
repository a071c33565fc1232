import BrakeCore

/// Which charter judges a checkpoint of each size (`Specs/log.md` 7.4): the charter in force after
/// the checkpoint's last leaf. Its nodes are the cosigners that count, their checkpoint keys verify
/// the cosignatures, and a majority of them makes the checkpoint final.
///
/// The charter changes only at an entry that is a declaration (an amendment that passes, a
/// revocation that commits), and every declaration is a leaf (1.1), so each charter of the chain
/// judges from one tree size on: the size of the tree right after the leaf of the entry that made
/// it. The node's checkpoint core and the offline verifier (`BundleVerifier`) both build this
/// value as they apply leaves and both ask it, so they cannot disagree on which charter judges.
///
/// It only answers for sizes up to the tree size it was built through: a change still to come could
/// start at or below a larger size, so a node that has not applied `n` leaves cannot judge size `n`.
public struct CheckpointCharters: Sendable, Hashable {
    /// One link of the chain: `charter` judges every size from `fromSize` on, until the next link.
    public struct Link: Sendable, Hashable {
        /// The first size this charter judges: the tree size after the leaf that made it (0 for genesis).
        public var fromSize: UInt64
        /// The charter.
        public var charter: Charter

        /// A link.
        public init(fromSize: UInt64, charter: Charter) {
            self.fromSize = fromSize
            self.charter = charter
        }
    }

    /// The links, by `fromSize`, strictly increasing, the first the genesis charter's at size 0.
    public private(set) var links: [Link]

    /// The chain of a log that has only its genesis charter so far.
    public init(genesis: Charter) {
        links = [Link(fromSize: 0, charter: genesis)]
    }

    /// Records that `charter` is in force from tree size `size` on: the size of the tree right after
    /// the leaf of the entry that made it current. A size below the last link's is refused (false):
    /// leaves are applied in order, so it would be a bug of the caller. A second change at one size
    /// (never made by one entry) replaces the first.
    @discardableResult
    public mutating func follow(_ charter: Charter, fromSize size: UInt64) -> Bool {
        guard let last = links.last, size >= last.fromSize else { return false }
        if last.fromSize == size, links.count > 1 {
            links[links.count - 1].charter = charter
        } else if last.charter != charter {
            links.append(Link(fromSize: size, charter: charter))
        }
        return true
    }

    /// The charter that judges a checkpoint of `size`: the one in force after its last leaf, that is
    /// the last link whose `fromSize` is at most `size`.
    public func charter(judging size: UInt64) -> Charter {
        links.last(where: { $0.fromSize <= size })?.charter ?? links[0].charter
    }

    /// The cosigners (key name to checkpoint key) that count for a checkpoint of `size`.
    public func cosigners(judging size: UInt64) -> [String: PublicKey] {
        SignedCheckpoint.cosigners(of: charter(judging: size))
    }

    /// The verified cosigners a checkpoint of `size` needs to be final: a majority of its charter's nodes.
    public func quorum(judging size: UInt64) -> Int {
        SignedCheckpoint.quorum(of: charter(judging: size))
    }

    /// Whether `node` is a node of the charter that judges `size`, with `key` as its checkpoint key:
    /// only then does its cosignature of that size count, so only then does an honest node sign.
    public func pins(_ key: PublicKey, for node: String, judging size: UInt64) -> Bool {
        charter(judging: size).node(id: node)?.checkpointKey == key
    }
}
