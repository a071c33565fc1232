import BrakeCore
import BrakeRaft

/// One single-voter node driven the way `braked` drives it, without a network: propose, drain
/// the `Ready`, persist it to a simulated store, apply its committed entries to a registry. The
/// benchmark times this cycle; tests can use it to drive a lone node.
public struct ReadyLoop {
    private var raft: RaftNode
    private var store = SimulatedStore()
    /// The registry the loop applies to.
    public private(set) var registry: Registry
    /// The highest index applied.
    public private(set) var applied: UInt64 = 0
    /// Whether committed entries go to the registry (false times Raft and the store alone).
    public var appliesToRegistry: Bool

    /// A lone node of the simulated federation, already leader of term 1.
    public init(appliesToRegistry: Bool = true) {
        let federation = SimFederation.cached[1] ?? { preconditionFailure("the 1-node federation does not build: \(SimFederation.buildError(1))") }()
        let id = federation.nodeIDs[0]
        raft = RaftNode(config: RaftConfig(id: id, voters: [id]), hardState: HardState(), snapshot: nil, entries: [], applied: 0, random: SimRandom(seed: 1))
        registry = Registry(charter: federation.charter)
        self.appliesToRegistry = appliesToRegistry
        while raft.role != .leader {
            raft.tick()
            drain()
        }
        drain()
    }

    /// The federation's charter and keys, to build declarations for `cycle(data:)`.
    public static var federation: SimFederation? { SimFederation.cached[1] }

    /// One full cycle: propose `data`, then persist, send (nothing: no peers) and apply the
    /// `Ready`. Returns the index the entry got, or nil if the core refused it.
    @discardableResult
    public mutating func cycle(data: [UInt8]) -> UInt64? {
        guard let proposed = try? raft.propose(data) else { return nil }
        drain()
        return proposed.index
    }

    private mutating func drain() {
        while raft.hasReady {
            let ready = raft.ready()
            store.persist(ready)
            for entry in ready.committedEntries {
                if appliesToRegistry { _ = registry.apply(index: entry.index, data: entry.data) }
                applied = entry.index
            }
        }
    }
}
