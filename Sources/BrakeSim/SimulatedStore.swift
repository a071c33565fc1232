import BrakeCore
import BrakeRaft
import BrakeReplica

/// What one simulated node has made durable: exactly what its shell wrote from each
/// `ReplicaReady`, and nothing else — hard state, log, snapshot, and the registry rows with the
/// applied index, as `BrakeStore` keeps them in LMDB. A crash keeps this and loses everything in
/// memory.
///
/// Besides the entries it keeps a chain hash per entry (`chain(i) = H(chain(i-1), term, data)`),
/// so that two logs agree on a whole prefix iff they agree on the chain hash of its last entry.
/// The log matching and leader completeness checks compare these in O(1).
struct SimulatedStore {
    private(set) var hardState = HardState()
    private(set) var snapshot: Snapshot?
    /// The entries after the snapshot, in index order.
    private(set) var entries: [Entry] = []
    /// `chains[i]` is the chain hash through `entries[i]`.
    private(set) var chains: [UInt64] = []
    /// The chain hash through the snapshot's last entry (0 without a snapshot).
    private(set) var snapshotChain: UInt64 = 0
    /// The registry rows, by key bytes, and the applied index stored with them.
    private(set) var rows: [[UInt8]: [UInt8]] = [:]
    private(set) var appliedIndex: UInt64 = 0
    /// The Merkle tree, the checkpoints and the evidence.
    var checkpoints = SimulatedCheckpointStore()
    /// The pending pool's rows: each entry's merged envelope (JSON) by declaration id.
    private(set) var pool: [String: [UInt8]] = [:]

    var snapshotIndex: UInt64 { snapshot?.metadata.index ?? 0 }
    var snapshotTerm: UInt64 { snapshot?.metadata.term ?? 0 }
    var lastIndex: UInt64 { snapshotIndex + UInt64(entries.count) }

    /// The term of the entry at `index`, if the store holds it (or the snapshot ends there).
    func term(at index: UInt64) -> UInt64? {
        if index == snapshotIndex { return snapshotTerm }
        guard index > snapshotIndex, index <= lastIndex else { return nil }
        return entries[Int(index - snapshotIndex - 1)].term
    }

    /// The entry at `index`, if the store holds it.
    func entry(at index: UInt64) -> Entry? {
        guard index > snapshotIndex, index <= lastIndex else { return nil }
        return entries[Int(index - snapshotIndex - 1)]
    }

    /// The chain hash through `index`, if known (index 0 and the snapshot point included).
    func chain(at index: UInt64) -> UInt64? {
        if index == snapshotIndex { return snapshotChain }
        guard index > snapshotIndex, index <= lastIndex else { return nil }
        return chains[Int(index - snapshotIndex - 1)]
    }

    static func chain(after previous: UInt64, _ entry: Entry) -> UInt64 {
        var h = TraceHasher()
        h.combine(previous)
        h.combine(entry.term)
        h.combine(entry.index)
        h.combine(bytes: entry.data)
        return h.value
    }

    /// Step 1 of a `ReplicaReady`, as one transaction: the installed snapshot with its registry
    /// (the log is replaced), then the entries (dropping the stored suffix they replace), then the
    /// hard state. `snapshotChain` is the chain hash through the snapshot's last entry.
    mutating func persist(_ ready: ReplicaReady, snapshotChain chain: UInt64) {
        checkpoints.persist(ready.checkpoints)
        if let install = ready.install {
            checkpoints.installed(through: install.appliedIndex, applied: appliedIndex)
            snapshot = install.snapshot  // metadata only: the rows below are its state
            snapshotChain = chain
            entries = []
            chains = []
            rows = Dictionary(install.rows.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
            appliedIndex = install.appliedIndex
        }
        if let first = ready.entries.first {
            if first.index <= lastIndex {
                // A new leader overwrote a conflicting suffix.
                let keep = Int(first.index - snapshotIndex - 1)
                if keep >= 0 {
                    entries.removeSubrange(keep...)
                    chains.removeSubrange(keep...)
                }
            }
            for entry in ready.entries where entry.index == lastIndex + 1 {
                let previous = self.chain(at: entry.index - 1) ?? 0
                entries.append(entry)
                chains.append(Self.chain(after: previous, entry))
            }
        }
        if let hard = ready.hardState {
            hardState = hard
        }
    }

    /// Step 3: one applied entry's rows and the applied index.
    mutating func write(_ applied: AppliedEntry) {
        for write in applied.writes {
            rows[write.key] = write.value
        }
        appliedIndex = applied.entry.index
        checkpoints.applied(applied.entry)
    }

    /// Step 3 too: the pool's changes.
    mutating func writePool(_ writes: [PoolWrite]) {
        for write in writes { pool[write.id] = write.envelope }
    }

    /// The stored pool entries, in id order, as the node's shell decodes them at start.
    var pooledEnvelopes: [Envelope] {
        pool.keys.sorted().compactMap { pool[$0].flatMap { try? Envelope(json: $0) } }
    }

    /// Step 4: folds the entries through the snapshot's index into the snapshot the node took
    /// (metadata only: the rows are its state).
    mutating func compact(_ snap: Snapshot) {
        let index = snap.metadata.index
        guard index > snapshotIndex, index <= lastIndex, let chainThere = chain(at: index) else { return }
        let drop = Int(index - snapshotIndex)
        entries.removeFirst(drop)
        chains.removeFirst(drop)
        snapshot = snap
        snapshotChain = chainThere
    }

    /// The registry as stored.
    func registry(charter: Charter) throws(BrakeError) -> Registry {
        var decoded: [(key: RegistryKey, value: [UInt8])] = []
        for (key, value) in rows { decoded.append((key: try RegistryKey(bytes: key), value: value)) }
        return try Registry(charter: charter, rows: decoded)
    }
}
