import BrakeCore
import BrakeRaft

/// What gossip remembers between inputs.
struct GossipState: Sendable {
    /// Picks the peers of each round (seeded from the replica's injected random source).
    var random: SplitMix64
    /// Ticks since the last round.
    var elapsed = 0
    /// Where the next digest of a pool larger than `digestItems` starts, in id order.
    var cursor = 0
    /// The last entry this node applied, for its log head.
    var lastApplied: Entry?
    /// The latest head each peer reported.
    var peerHeads: [NodeID: GossipDigest.LogHead] = [:]
    /// Heads a peer reported at an index this node applied with another term or hash: evidence
    /// that two nodes applied different entries at one index (a fork).
    var headConflicts = 0
    /// Ticks since the pool was last partly admitted again, and where the next slice starts.
    var revalidateElapsed = 0
    var revalidateCursor = 0
    /// An entry of the batch being applied changed what admission depends on: the whole pool is
    /// admitted again once, after the batch, rather than after each such entry.
    var revalidateAfterBatch = false

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }
}

/// Gossip of the pending pool (Specs/gossip.md): each interval a node sends a digest of its pool
/// and of its applied head to a few random peers; a peer answers with its own digest, and each side
/// pulls the declarations (or parties' signatures) it lacks. A declaration submitted at any node
/// thereby reaches every node, the leader included, while any path of links connects them.
extension BrakeReplica {
    /// Heads peers reported at an index this node applied with another term or data (fork evidence).
    public var gossipHeadConflicts: Int { gossip.headConflicts }

    /// The head each peer last reported.
    public var peerHeads: [NodeID: GossipDigest.LogHead] { gossip.peerHeads }

    /// One tick of gossip: every `intervalTicks`, a digest to `fanout` random peers.
    mutating func gossipTick() {
        gossip.elapsed += 1
        guard gossip.elapsed >= max(config.gossip.intervalTicks, 1) else { return }
        gossip.elapsed = 0
        var peers = peerList
        guard !peers.isEmpty else { return }
        let digest = makeDigest(reply: false)
        for _ in 0..<min(max(config.gossip.fanout, 1), peers.count) {
            let peer = peers.remove(at: gossip.random.next(upperBound: peers.count))
            pending.messages.append(PeerMessage(from: nodeID, to: peer, body: .gossipDigest(digest)))
        }
    }

    /// This node's digest: up to `digestItems` pool entries (in turns when the pool holds more)
    /// and its applied head.
    mutating func makeDigest(reply: Bool) -> GossipDigest {
        let ids = pool.entries.keys.sorted()
        let limit = max(config.gossip.digestItems, 1)
        var chosen = ids
        if ids.count > limit {
            let start = gossip.cursor % ids.count
            chosen = (0..<limit).map { ids[(start + $0) % ids.count] }
            gossip.cursor = (start + limit) % ids.count
        }
        let items = chosen.compactMap { id in pool.entries[id].map { GossipDigest.Item(id: id, parties: $0.parties) } }
        return GossipDigest(items: items, head: appliedHead, reply: reply)
    }

    /// The last entry this node applied, as a gossip head.
    var appliedHead: GossipDigest.LogHead {
        guard let entry = gossip.lastApplied, entry.index == registry.appliedIndex else {
            return GossipDigest.LogHead(index: registry.appliedIndex, term: 0, hash: "")
        }
        return GossipDigest.LogHead(index: entry.index, term: entry.term, hash: sha256Hex(entry.data))
    }

    /// A peer's digest: note its head, pull what this node lacks, and answer a first digest with
    /// this node's own.
    mutating func receiveDigest(_ digest: GossipDigest, from peer: NodeID) {
        noteHead(digest.head, from: peer)
        var wanted: [String] = []
        for item in digest.items where wanted.count < config.gossip.pullsPerRound {
            if lacks(item) { wanted.append(item.id) }
        }
        if !wanted.isEmpty {
            pending.messages.append(PeerMessage(from: nodeID, to: peer, body: .gossipPull(ids: wanted)))
        }
        if !digest.reply {
            pending.messages.append(PeerMessage(from: nodeID, to: peer, body: .gossipDigest(makeDigest(reply: true))))
        }
    }

    /// Whether a peer's item holds a signature this node neither pools nor has applied.
    func lacks(_ item: GossipDigest.Item) -> Bool {
        // A registry still loading cannot say what it has applied: pull nothing until it is loaded.
        guard loading == nil else { return false }
        if registry.attestation(id: item.id) != nil { return false }
        var known = Set(pool.entries[item.id]?.parties ?? [])
        if let record = registry.motion(id: item.id) {
            guard record.state == .open else { return false }
            known.formUnion(record.signerParties)
        }
        return item.parties.contains { !known.contains($0) }
    }

    /// Records a peer's head, counting a conflict when it names an index this node applied with
    /// another term or data.
    mutating func noteHead(_ head: GossipDigest.LogHead, from peer: NodeID) {
        gossip.peerHeads[peer] = head
        let mine = appliedHead
        if head.index == mine.index, head.index > 0, !head.hash.isEmpty, !mine.hash.isEmpty,
           head.term != mine.term || head.hash != mine.hash {
            gossip.headConflicts += 1
        }
    }

    /// A peer pulls: send the pooled envelopes it asked for, in messages of at most `messageBytes`.
    mutating func receivePull(_ ids: [String], from peer: NodeID) {
        var batch: [[UInt8]] = []
        var bytes = 0
        for id in ids.prefix(config.gossip.pullsPerRound) {
            guard let entry = pool.entries[id] else { continue }
            let envelope = entry.envelope.jsonBytes()
            if !batch.isEmpty, bytes + envelope.count > config.gossip.messageBytes {
                pending.messages.append(PeerMessage(from: nodeID, to: peer, body: .gossipDeclarations(envelopes: batch)))
                batch = []
                bytes = 0
            }
            batch.append(envelope)
            bytes += envelope.count
        }
        if !batch.isEmpty {
            pending.messages.append(PeerMessage(from: nodeID, to: peer, body: .gossipDeclarations(envelopes: batch)))
        }
    }

    /// Declarations a peer sent: each is decoded, verified and admitted into the pool (one that
    /// fails any step is dropped; the peer is not trusted for any of it). A leader proposes what
    /// they add at once.
    mutating func receiveDeclarations(_ envelopes: [[UInt8]], from peer: NodeID) {
        guard loading == nil else { return }
        var added = false
        for bytes in envelopes.prefix(config.gossip.pullsPerRound) {
            guard let envelope = try? Envelope(json: bytes) else { continue }
            if case .added = offerToPool(envelope) { added = true }
        }
        if added { proposeFromPool() }
    }
}
