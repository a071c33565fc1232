import BrakeRaft

/// What one node's store holds: only what a `Ready` asked to persist survives a crash.
struct Disk {
    var hardState = HardState()
    var snapshot: Snapshot?
    var entries: [Entry] = []

    mutating func persist(_ ready: Ready) {
        if let hard = ready.hardState { hardState = hard }
        if let snap = ready.snapshot {
            snapshot = snap
            entries = []
        }
        if let first = ready.entries.first {
            entries.removeAll { $0.index >= first.index }
            entries.append(contentsOf: ready.entries)
        }
    }

    /// The shell's half of compaction: the snapshot replaces the entries it covers.
    mutating func compact(_ snap: Snapshot) {
        snapshot = snap
        entries.removeAll { $0.index <= snap.metadata.index }
    }
}

/// A tiny in-test router: several `RaftNode` values, a FIFO network, crashes and partitions.
/// It plays the shell's part by the book: persist, then send, then apply.
struct Cluster {
    var nodes: [NodeID: RaftNode] = [:]
    var disks: [NodeID: Disk] = [:]
    /// Entries each node applied, in order (a snapshot install resets it to the snapshot).
    var applied: [NodeID: [Entry]] = [:]
    var appliedIndex: [NodeID: UInt64] = [:]
    var readStates: [NodeID: [ReadState]] = [:]
    var network: [RaftMessage] = []
    /// Every message delivered, for tests that count round trips.
    var delivered: [RaftMessage] = []
    /// Nodes whose links are all cut.
    var isolated: Set<NodeID> = []
    /// Crashed nodes: no ticks, no messages.
    var down: Set<NodeID> = []
    /// Extra loss rule.
    var drops: (RaftMessage) -> Bool = { _ in false }
    let ids: [NodeID]
    /// The voters every node starts with; `ids` unless a test keeps spare nodes outside.
    let initialVoters: [NodeID]
    var configure: (inout RaftConfig) -> Void

    init(_ ids: [NodeID], voters: [NodeID]? = nil, configure: @escaping (inout RaftConfig) -> Void = { _ in }) {
        self.ids = ids
        self.initialVoters = voters ?? ids
        self.configure = configure
        for id in ids {
            disks[id] = Disk()
            start(id, applied: 0)
        }
    }

    func config(_ id: NodeID) -> RaftConfig {
        var config = RaftConfig(id: id, voters: initialVoters)
        configure(&config)
        return config
    }

    /// (Re)starts a node from its disk, as the shell does after a crash.
    mutating func start(_ id: NodeID, applied: UInt64) {
        let disk = disks[id]!
        let seed = UInt64(ids.firstIndex(of: id)! + 1) &* 7919 &+ UInt64(disk.hardState.term)
        nodes[id] = RaftNode(
            config: config(id), hardState: disk.hardState, snapshot: disk.snapshot,
            entries: disk.entries, applied: applied, random: SplitMix64(seed: seed))
        appliedIndex[id] = applied
        down.remove(id)
    }

    /// Seeds a node's disk directly, for scenarios that start from given logs.
    mutating func load(_ id: NodeID, term: UInt64, vote: NodeID? = nil, commit: UInt64 = 0, log: [(index: UInt64, term: UInt64)]) {
        disks[id] = Disk(
            hardState: HardState(term: term, vote: vote, commit: commit), snapshot: nil,
            entries: log.map { Entry(term: $0.term, index: $0.index, data: [UInt8($0.index)]) })
        start(id, applied: commit)
        applied[id] = disks[id]!.entries.filter { $0.index <= commit }
    }

    /// The application snapshots its state at `index` and both core and disk compact.
    mutating func compact(_ id: NodeID, through index: UInt64) {
        let state = Array("state@\(index)".utf8)
        guard (try? nodes[id]!.compact(through: index, snapshotData: state)) != nil else { return }
        disks[id]!.compact(nodes[id]!.snapshot!)
    }

    mutating func crash(_ id: NodeID) {
        down.insert(id)
        nodes[id] = nil
        network.removeAll { $0.to == id || $0.from == id }
    }

    /// Drains every node's `Ready`: persist, send, apply.
    mutating func drain() {
        for id in ids where !down.contains(id) {
            while nodes[id]!.hasReady {
                let ready = nodes[id]!.ready()
                disks[id]!.persist(ready)
                network.append(contentsOf: ready.messages)
                if let snap = ready.snapshot {
                    applied[id] = []
                    appliedIndex[id] = snap.metadata.index
                }
                for entry in ready.committedEntries {
                    precondition(entry.index == appliedIndex[id]! + 1, "applied out of order")
                    applied[id, default: []].append(entry)
                    appliedIndex[id] = entry.index
                }
                readStates[id, default: []].append(contentsOf: ready.readStates)
            }
        }
    }

    func reachable(_ message: RaftMessage) -> Bool {
        !down.contains(message.to) && !down.contains(message.from)
            && !isolated.contains(message.to) && !isolated.contains(message.from) && !drops(message)
    }

    /// Delivers messages until the network is quiet.
    mutating func deliver(limit: Int = 100_000) {
        drain()
        var steps = 0
        while !network.isEmpty && steps < limit {
            let message = network.removeFirst()
            steps += 1
            guard reachable(message) else { continue }
            delivered.append(message)
            nodes[message.to]!.step(message)
            drain()
        }
    }

    /// Ticks every running node `count` times, delivering messages after each round.
    mutating func tick(_ count: Int = 1, only: Set<NodeID>? = nil) {
        for _ in 0..<count {
            for id in ids where !down.contains(id) && (only?.contains(id) ?? true) {
                nodes[id]!.tick()
            }
            deliver()
        }
    }

    /// Ticks only `id` until it starts an election, then lets the election run.
    mutating func campaign(_ id: NodeID) {
        for _ in 0..<100 where nodes[id]!.role == .follower {
            nodes[id]!.tick()
        }
        deliver()
    }

    var leaders: [NodeID] {
        ids.filter { !down.contains($0) && nodes[$0]!.role == .leader }
    }

    subscript(id: NodeID) -> RaftNode {
        get { nodes[id]! }
        set { nodes[id] = newValue }
    }

    mutating func propose(_ id: NodeID, _ text: String) throws(RaftError) -> UInt64 {
        let index = try nodes[id]!.propose(Array(text.utf8)).index
        deliver()
        return index
    }

    /// The application payloads a node applied, as strings (no-ops and conf entries left out).
    func appliedTexts(_ id: NodeID) -> [String] {
        (applied[id] ?? []).filter { !$0.isNoop && !$0.isConfEntry }.map { String(decoding: $0.data, as: UTF8.self) }
    }
}
