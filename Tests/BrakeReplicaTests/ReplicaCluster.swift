import BrakeCore
import BrakeRaft
import BrakeReplica
import BrakeSim

/// A few `BrakeReplica`s wired by hand for table-like tests of the core: one shared clock, a FIFO
/// network that can cut nodes off, and "stopped" nodes whose inbound messages wait in a buffer (as
/// in a socket while a process is SIGSTOPped) and are delivered when they resume.
struct ReplicaCluster {
    static let epoch: Int64 = 1_795_910_400_000

    let federation: SimFederation
    var replicas: [NodeID: BrakeReplica] = [:]
    var monotonic: Int64 = 1_000
    var inbox: [PeerMessage] = []
    var isolated: Set<NodeID> = []
    var stopped: Set<NodeID> = []
    var held: [NodeID: [PeerMessage]] = [:]
    /// Every answer each node gave its clients, in order.
    var answers: [NodeID: [ReplicaAnswer]] = [:]
    /// Every message sent, for assertions on what crossed the network.
    var sent: [PeerMessage] = []
    /// Checkpoint writes per node, in order.
    var checkpointWrites: [NodeID: [CheckpointWrites]] = [:]
    /// Snapshot installs per node.
    var installs: [NodeID: [SnapshotInstall]] = [:]
    /// Each node's compactions (step 4 of its readies), in order.
    var compactions: [NodeID: [Snapshot]] = [:]
    var nextRequestID: UInt64 = 1
    /// When set to N, every Nth snapshot chunk is lost the first time it is sent.
    var chunkLoss: Int?
    var seenChunks: Set<UInt64> = []
    var droppedChunks = 0

    /// How far each node's wall clock runs ahead of the shared one (a wrong clock), in milliseconds.
    var wallOffset: [NodeID: Int64] = [:]

    var time: ReplicaTime { ReplicaTime(monotonic: monotonic, wall: Self.epoch + monotonic) }

    /// The time node `id` reads: the shared clock, its wall clock shifted by `wallOffset`.
    func time(of id: NodeID) -> ReplicaTime {
        ReplicaTime(monotonic: monotonic, wall: Self.epoch + monotonic + (wallOffset[id] ?? 0))
    }

    init(nodes: Int = 3, configure: (inout ReplicaConfig) -> Void = { _ in }) throws {
        federation = try SimFederation.make(nodes: nodes)
        var config = ReplicaConfig()
        configure(&config)
        for (i, id) in federation.nodeIDs.enumerated() {
            replicas[id] = try BrakeReplica(
                charter: federation.charter, nodeID: id, config: config,
                stored: .init(hardState: HardState(), snapshot: nil, entries: [], registry: Registry(charter: federation.charter)),
                now: time, random: SplitMix64(seed: UInt64(i + 1)))
        }
    }

    var ids: [NodeID] { federation.nodeIDs }

    var leader: NodeID? {
        ids.first { replicas[$0]?.raft.role == .leader && !stopped.contains($0) && !isolated.contains($0) }
    }

    mutating func drain(_ id: NodeID) {
        while replicas[id]?.hasReady == true {
            guard let ready = replicas[id]?.ready() else { return }
            inbox.append(contentsOf: ready.messages)
            sent.append(contentsOf: ready.messages)
            answers[id, default: []].append(contentsOf: ready.answers)
            if let install = ready.install { installs[id, default: []].append(install) }
            if let compaction = ready.compaction { compactions[id, default: []].append(compaction) }
            if !ready.checkpoints.isEmpty { checkpointWrites[id, default: []].append(ready.checkpoints) }
        }
    }

    mutating func deliver() {
        var rounds = 0
        while !inbox.isEmpty && rounds < 100_000 {
            rounds += 1
            let message = inbox.removeFirst()
            if isolated.contains(message.from) || isolated.contains(message.to) { continue }
            if let loss = chunkLoss, case .snapshotChunk(let chunk) = message.body, !seenChunks.contains(chunk.offset) {
                seenChunks.insert(chunk.offset)
                if seenChunks.count % loss == 0 {
                    droppedChunks += 1
                    continue
                }
            }
            if stopped.contains(message.to) {
                held[message.to, default: []].append(message)
                continue
            }
            let now = time(of: message.to)
            replicas[message.to]?.receive(message, from: message.from, at: now)
            drain(message.to)
        }
    }

    /// One tick of `millis` for every running node, then delivery of everything in flight.
    mutating func step(millis: Int64 = 100) {
        monotonic += millis
        for id in ids where !stopped.contains(id) {
            let now = time(of: id)
            replicas[id]?.tick(at: now)
            drain(id)
        }
        deliver()
    }

    mutating func run(steps: Int) {
        for _ in 0..<steps { step() }
    }

    /// Steps until `condition` holds; false if it never did within `steps`.
    mutating func run(upTo steps: Int, until condition: (ReplicaCluster) -> Bool) -> Bool {
        for _ in 0..<steps {
            if condition(self) { return true }
            step()
        }
        return condition(self)
    }

    /// Resumes a stopped node: what waited in its buffer arrives first, as from a socket.
    mutating func resume(_ id: NodeID) {
        stopped.remove(id)
        let buffered = held.removeValue(forKey: id) ?? []
        for message in buffered {
            let now = time(of: id)
            replicas[id]?.receive(message, from: message.from, at: now)
            drain(id)
        }
    }

    /// Submits on `id` and returns the request id.
    mutating func submit(_ envelope: Envelope, on id: NodeID, timeoutMillis: Int = 3_000) -> UInt64 {
        let requestID = nextRequestID
        nextRequestID += 1
        let now = time(of: id)
        replicas[id]?.submit(envelope, requestID: requestID, timeoutMillis: timeoutMillis, at: now)
        drain(id)
        return requestID
    }

    func answer(_ requestID: UInt64, on id: NodeID) -> SubmitAnswer? {
        for case .submit(let r, let answer) in answers[id] ?? [] where r == requestID { return answer }
        return nil
    }

    /// A trigger motion of `scope` proposed and signed by `signers` (the first proposes).
    func trigger(_ scope: String, signers: [String], nonce: String) throws -> Envelope {
        let proposer = signers[0]
        let created = Self.epoch + monotonic
        let motion = Motion(
            federation: federation.charter.federation, kind: .trigger, scope: try Scope(scope), reason: "test",
            proposer: proposer, created: created, expires: created + 3_600_000, nonce: nonce)
        var envelope = motion.unsignedEnvelope()
        for party in signers {
            guard let key = federation.key(of: party) else { throw TestFailure("no key for \(party)") }
            envelope = envelope.signed(with: key)
        }
        return envelope
    }

    func fresh(_ id: NodeID, within millis: Int64 = 1_000) -> Bool {
        replicas[id]?.isFresh(maxStalenessMillis: millis, at: monotonic) ?? false
    }
}

/// A 32-hex-digit nonce made from `n`.
func nonce(_ n: Int) -> String {
    let hex = String(n, radix: 16)
    return String(repeating: "0", count: max(0, 32 - hex.count)) + hex
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
