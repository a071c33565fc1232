import BrakeCore
import BrakeRaft

/// The omniscient observer's record of a run: what every node ever persisted, committed and
/// applied, who led which term, which submissions were acknowledged. Invariants are checked
/// against this history, so they hold over the whole run and not only at one instant.
///
/// Each `record…` method returns a description of the violation it found, or nil.
struct SimulationHistory {
    /// An (index, term) pair: names one entry uniquely if Raft is correct.
    struct Position: Hashable {
        var index: UInt64
        var term: UInt64
    }

    /// What the observer knows about a committed index.
    struct Committed {
        /// The entry's term.
        var term: UInt64
        /// The chain hash of the log through it (its whole prefix).
        var chain: UInt64
        /// The term of the leader that committed it first.
        var commitTerm: UInt64
    }

    /// The leader of each term ever seen.
    private(set) var leaders: [UInt64: NodeID] = [:]
    /// The chain hash of every persisted (index, term), across all nodes and all time.
    private var chains: [Position: UInt64] = [:]
    /// Committed entries; `committed[i - 1]` describes index i.
    private(set) var committed: [Committed] = []
    /// The digest (term, data hash) of the entry applied at each index; `applied[i - 1]`.
    private(set) var applied: [UInt64] = []
    /// Acknowledged entries: index → entry digest.
    private(set) var acknowledged: [UInt64: UInt64] = [:]
    /// The first registry seen at each applied index, and the node it came from.
    private var registries: [UInt64: (registry: Registry, node: NodeID)] = [:]

    var committedIndex: UInt64 { UInt64(committed.count) }

    static func digest(_ entry: Entry) -> UInt64 {
        var h = TraceHasher()
        h.combine(entry.term)
        h.combine(bytes: entry.data)
        return h.value
    }

    /// Election safety: `node` is leader of `term`.
    mutating func recordLeader(_ node: NodeID, term: UInt64) -> String? {
        if let existing = leaders[term] {
            return existing == node ? nil : "two leaders in term \(term): \(existing) and \(node)"
        }
        leaders[term] = node
        return nil
    }

    /// Log matching: `node` persisted an entry at `position` whose log prefix hashes to `chain`.
    mutating func recordPersisted(_ position: Position, chain: UInt64, node: NodeID) -> String? {
        if let existing = chains[position] {
            return existing == chain
                ? nil
                : "\(node) persisted index \(position.index) term \(position.term) with a log prefix that differs from another node's entry at the same index and term"
        }
        chains[position] = chain
        return nil
    }

    /// The chain hash of the persisted entry at `position`, if any node persisted it.
    func chain(at position: Position) -> UInt64? {
        chains[position]
    }

    /// The digest of the entry first applied at `index`, if any.
    func appliedDigest(at index: UInt64) -> UInt64? {
        index >= 1 && index <= UInt64(applied.count) ? applied[Int(index - 1)] : nil
    }

    /// A leader of `term` holds the log described by `chainAt` committed through `commit`.
    mutating func recordCommit(through commit: UInt64, leaderTerm term: UInt64, termAt: (UInt64) -> UInt64?, chainAt: (UInt64) -> UInt64?) {
        var index = committedIndex + 1
        while index <= commit {
            guard let t = termAt(index), let c = chainAt(index) else { return }
            committed.append(Committed(term: t, chain: c, commitTerm: term))
            index += 1
        }
    }

    /// Leader completeness: the new leader `node` of `term` must hold every entry committed in
    /// an earlier term. Chain hashes cover whole prefixes, so one comparison at the highest such
    /// index suffices (or at the node's snapshot point, if that is higher).
    func checkLeaderCompleteness(node: NodeID, term: UInt64, snapshotIndex: UInt64, lastIndex: UInt64, chainAt: (UInt64) -> UInt64?) -> String? {
        var index = committedIndex
        while index > 0, committed[Int(index - 1)].commitTerm >= term { index -= 1 }
        guard index > 0 else { return nil }
        let probe = max(index, snapshotIndex)
        guard probe <= committedIndex else { return nil }
        guard lastIndex >= index, let chain = chainAt(probe) else {
            return "\(node) became leader of term \(term) with last index \(lastIndex), without index \(index) committed in term \(committed[Int(index - 1)].commitTerm)"
        }
        guard chain == committed[Int(probe - 1)].chain else {
            return "\(node) became leader of term \(term) but its log differs from the committed log at or before index \(probe) (committed in term \(committed[Int(index - 1)].commitTerm))"
        }
        return nil
    }

    /// State machine safety and acknowledged durability: `node` applied `entry`.
    mutating func recordApplied(_ entry: Entry, node: NodeID) -> (kind: InvariantViolation.Kind, message: String)? {
        let digest = Self.digest(entry)
        let position = Int(entry.index) - 1
        if position < applied.count {
            if applied[position] != digest {
                if acknowledged[entry.index] != nil {
                    return (.acknowledgedLost, "\(node) applied at index \(entry.index) (term \(entry.term)) an entry other than the acknowledged one")
                }
                return (.stateMachineSafety, "\(node) applied at index \(entry.index) (term \(entry.term)) a different entry than another node applied there")
            }
        } else if position == applied.count {
            applied.append(digest)
        } else {
            return (.persistence, "\(node) applied index \(entry.index) before anyone applied index \(applied.count + 1)")
        }
        return nil
    }

    /// A client was told that the entry at `index` with `digest` is committed.
    mutating func recordAcknowledged(index: UInt64, digest: UInt64) {
        acknowledged[index] = digest
    }

    /// Equal applied index ⇒ identical registry: `node` applied through `index`. Registries are
    /// compared as values (cheap, and stricter: `snapshot()` is a function of the value); with
    /// `bytes` the `snapshot()` bytes are compared as well, which the simulator does whenever a
    /// registry was restored and when the cluster converges.
    mutating func recordRegistry(_ registry: Registry, index: UInt64, node: NodeID, bytes: Bool) -> String? {
        guard let seen = registries[index] else {
            registries[index] = (registry, node)
            return nil
        }
        if bytes, seen.registry.snapshot() != registry.snapshot() {
            return "\(node) and \(seen.node) both applied through index \(index) but their registry snapshot bytes differ"
        }
        if seen.registry != registry {
            return "\(node) and \(seen.node) both applied through index \(index) but their registries differ"
        }
        return nil
    }
}
