import BrakeRaft

/// What a node tells a peer it holds, every gossip interval: the declarations in its pending pool
/// (ids and the parties whose signatures it holds for each) and the head of its applied log.
///
/// The peer answers a digest that is not itself a reply with its own digest (`reply` set), so one
/// exchange informs both sides; each side then pulls (`PeerMessage.Body.gossipPull`) what it
/// lacks. Specs/gossip.md has the protocol and its bounds.
public struct GossipDigest: Sendable, Hashable {
    /// One pooled declaration: its id and the parties whose signatures the sender holds for it.
    public struct Item: Sendable, Hashable {
        /// The declaration id (64 lowercase hex).
        public var id: String
        /// The parties, sorted.
        public var parties: [String]

        /// Creates an item.
        public init(id: String, parties: [String]) {
            self.id = id
            self.parties = parties
        }
    }

    /// The last entry the sender applied: its index, term and the lowercase hex SHA-256 of its data
    /// (empty when the sender's registry starts at a snapshot and it applied nothing since).
    public struct LogHead: Sendable, Hashable {
        /// The entry's index (0: nothing applied).
        public var index: UInt64
        /// The entry's term.
        public var term: UInt64
        /// Lowercase hex SHA-256 of the entry's data, or empty.
        public var hash: String

        /// Creates a head.
        public init(index: UInt64, term: UInt64, hash: String) {
            self.index = index
            self.term = term
            self.hash = hash
        }
    }

    /// Pooled declarations, at most `GossipLimits.digestItems`.
    public var items: [Item]
    /// The sender's applied head.
    public var head: LogHead
    /// Whether this digest answers another (a reply gets no reply).
    public var reply: Bool

    /// Creates a digest.
    public init(items: [Item], head: LogHead, reply: Bool) {
        self.items = items
        self.head = head
        self.reply = reply
    }
}

/// The bounds of gossip (Specs/gossip.md): how often, with how many peers, and how much.
public struct GossipLimits: Sendable, Hashable {
    /// Ticks between a node's gossip rounds.
    public var intervalTicks: Int = 5
    /// Peers each round exchanges digests with.
    public var fanout: Int = 2
    /// Most items in one digest; a larger pool is advertised in turns.
    public var digestItems: Int = 512
    /// Most declarations a node pulls after one digest.
    public var pullsPerRound: Int = 64
    /// Most bytes of envelopes in one `gossipDeclarations` message (well under the frame cap).
    public var messageBytes: Int = 1 << 20

    /// The defaults above.
    public init() {}
}
