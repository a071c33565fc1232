import BrakeCore
import BrakeRaft
import BrakeReplica

/// One single-voter node's core driven the way `braked` drives it, without a network: submit,
/// drain the `ReplicaReady`, persist it to a simulated store, write its applied rows, answer. The
/// benchmark times this cycle; tests can use it to drive a lone node.
public struct ReadyLoop {
    private var replica: BrakeReplica
    private var store = SimulatedStore()
    private var clock: Int64 = 0
    private var nextRequestID: UInt64 = 1
    /// The registry the loop applied to.
    public var registry: Registry { replica.registry }
    /// The highest index applied.
    public var applied: UInt64 { replica.registry.appliedIndex }

    /// A lone node of the simulated federation, already leader of term 1.
    public init() {
        let federation = SimFederation.cached[1] ?? { preconditionFailure("the 1-node federation does not build: \(SimFederation.buildError(1))") }()
        let id = federation.nodeIDs[0]
        do {
            replica = try BrakeReplica(
                charter: federation.charter, nodeID: id, config: ReplicaConfig(),
                stored: .init(hardState: HardState(), snapshot: nil, entries: [], registry: Registry(charter: federation.charter)),
                now: ReplicaTime(monotonic: 0, wall: SimulatedNode.epoch), random: SimRandom(seed: 1))
        } catch {
            preconditionFailure("the 1-node core does not start: \(error)")
        }
        drain()
    }

    /// The federation's charter and keys, to build declarations for `cycle(_:)`.
    public static var federation: SimFederation? { SimFederation.cached[1] }

    /// One full cycle: submit `envelope` (admission, verification, proposal), then persist, send
    /// (nothing: no peers), apply and answer. Returns the answer.
    @discardableResult
    public mutating func cycle(_ envelope: Envelope) -> SubmitAnswer? {
        clock += 1
        let id = nextRequestID
        nextRequestID += 1
        replica.submit(envelope, requestID: id, timeoutMillis: 60_000, at: ReplicaTime(monotonic: clock, wall: SimulatedNode.epoch + clock))
        return drain().first
    }

    @discardableResult
    private mutating func drain() -> [SubmitAnswer] {
        var answers: [SubmitAnswer] = []
        while replica.hasReady {
            let ready = replica.ready()
            store.persist(ready, snapshotChain: 0)
            for applied in ready.applied { store.write(applied) }
            if let snapshot = ready.compaction { store.compact(snapshot) }
            for case .submit(_, let answer) in ready.answers { answers.append(answer) }
        }
        return answers
    }
}
