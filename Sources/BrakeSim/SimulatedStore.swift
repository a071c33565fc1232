import BrakeRaft

/// What one simulated node has made durable: exactly what it persisted from each `Ready`, and
/// nothing else. A crash keeps this and loses everything in memory.
///
/// Besides the entries it keeps a chain hash per entry (`chain(i) = H(chain(i-1), term, data)`),
/// so that two logs agree on a whole prefix iff they agree on the chain hash of its last entry.
/// The log matching and leader completeness checks compare these in O(1). A snapshot carries the
/// chain hash of its last entry in the first 8 bytes of its data (see `SimSnapshotData`).
struct SimulatedStore {
    private(set) var hardState = HardState()
    private(set) var snapshot: Snapshot?
    /// The entries after the snapshot, in index order.
    private(set) var entries: [Entry] = []
    /// `chains[i]` is the chain hash through `entries[i]`.
    private(set) var chains: [UInt64] = []
    /// The chain hash through the snapshot's last entry (0 without a snapshot).
    private(set) var snapshotChain: UInt64 = 0

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

    /// Makes the persist part of a `Ready` durable, in the order the `Ready` documents:
    /// snapshot, then entries (dropping the stored suffix they replace), then hard state.
    /// Returns the indices that were overwritten, for the trace.
    @discardableResult
    mutating func persist(_ ready: Ready) -> Int {
        if let snap = ready.snapshot {
            installSnapshot(snap)
        }
        var truncated = 0
        if let first = ready.entries.first {
            if first.index <= lastIndex {
                // A new leader overwrote a conflicting suffix.
                let keep = Int(first.index - snapshotIndex - 1)
                if keep >= 0 {
                    truncated = entries.count - keep
                    entries.removeSubrange(keep...)
                    chains.removeSubrange(keep...)
                }
            }
            for entry in ready.entries where entry.index == lastIndex + 1 {
                let previous = chain(at: entry.index - 1) ?? 0
                entries.append(entry)
                chains.append(Self.chain(after: previous, entry))
            }
        }
        if let hard = ready.hardState {
            hardState = hard
        }
        return truncated
    }

    /// Replaces the whole log with a snapshot received from the leader.
    mutating func installSnapshot(_ snap: Snapshot) {
        snapshot = snap
        snapshotChain = SimSnapshotData(bytes: snap.data)?.chain ?? 0
        entries = []
        chains = []
    }

    /// Folds the entries through `index` into a snapshot the node itself took.
    mutating func compact(_ snap: Snapshot) {
        let index = snap.metadata.index
        guard index > snapshotIndex, index <= lastIndex, let chainThere = chain(at: index) else { return }
        let drop = Int(index - snapshotIndex)
        entries.removeFirst(drop)
        chains.removeFirst(drop)
        snapshot = snap
        snapshotChain = chainThere
    }
}

/// The data of a simulated node's snapshot: the chain hash through its last entry, then the
/// registry's own snapshot bytes.
struct SimSnapshotData {
    var chain: UInt64
    var registry: [UInt8]

    init(chain: UInt64, registry: [UInt8]) {
        self.chain = chain
        self.registry = registry
    }

    init?(bytes: [UInt8]) {
        guard bytes.count >= 8 else { return nil }
        var c: UInt64 = 0
        for i in 0..<8 { c |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        chain = c
        registry = Array(bytes[8...])
    }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 + registry.count)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: chain >> (8 * UInt64(i)))) }
        return out + registry
    }
}
