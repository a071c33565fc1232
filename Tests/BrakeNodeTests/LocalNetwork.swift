import BrakeCore
import BrakeReplica
import BrakeNode
import BrakeRaft
import BrakeStore
import Foundation
import Logging
import Synchronization

/// An in-process stand-in for the peer transport, for driving several real `NodeDriver`s (with real
/// LMDB stores) in one test: it delivers Raft messages and forwarded submissions between drivers,
/// and can cut nodes off.
final class LocalNetwork: Sendable {
    let drivers = Mutex<[NodeID: NodeDriver]>([:])
    let isolated = Mutex<Set<NodeID>>([])

    func driver(_ id: NodeID) -> NodeDriver? { drivers.withLock { $0[id] } }

    func cut(_ id: NodeID) { _ = isolated.withLock { $0.insert(id) } }
    func heal() { isolated.withLock { $0.removeAll() } }

    func reachable(_ a: NodeID, _ b: NodeID) -> Bool {
        isolated.withLock { !$0.contains(a) && !$0.contains(b) }
    }

    /// The transport of one node on this network.
    func transport(for id: NodeID) -> Endpoint { Endpoint(network: self, id: id) }

    struct Endpoint: PeerTransport {
        let network: LocalNetwork
        let id: NodeID

        func send(_ messages: [PeerMessage]) {
            for message in messages where network.reachable(message.from, message.to) {
                guard let target = network.driver(message.to) else { continue }
                Task { await target.receive(message, from: message.from) }
            }
        }
    }
}

/// Three real drivers over real stores in temporary directories, ticking every 10 ms.
final class LocalCluster: Sendable {
    let network = LocalNetwork()
    let charter: Charter
    let keys: [String: SigningKey]
    let directories: [NodeID: String]
    let ticker = Mutex<Task<Void, Never>?>(nil)
    static let nodeIDs = ["node-1", "node-2", "node-3"]

    let snapshotInterval: UInt64

    init(snapshotInterval: UInt64 = 10_000) throws {
        self.snapshotInterval = snapshotInterval
        // No TLS between in-process drivers: fixed pins and checkpoint keys keep the charter valid.
        func node(_ n: UInt8, party: String) throws -> NodeInfo {
            NodeInfo(
                id: "node-\(n)", party: party, address: "127.0.0.1:\(n)",
                tlsPin: sha256Hex(Array("tls key of node-\(n)".utf8)),
                checkpointKey: try SigningKey(seed: Array(repeating: 0x10 + n, count: 32)).publicKey
            )
        }
        let nodes = [try node(1, party: "lab-a"), try node(2, party: "lab-b"), try node(3, party: "gov-a")]
        let dev = try DevFederation.make(
            seeds: (1...3).map { Array(repeating: UInt8($0), count: 32) }, nodeAddress: nodes[0].address,
            tlsPin: nodes[0].tlsPin, checkpointKey: nodes[0].checkpointKey
        )
        var charter = dev.charter
        charter.nodes = nodes
        self.charter = charter
        self.keys = Dictionary(uniqueKeysWithValues: dev.keys.map { ($0.party, $0.key) })
        let base = NSTemporaryDirectory() + "brake-cluster-\(UUID().uuidString.prefix(8))"
        directories = Dictionary(uniqueKeysWithValues: Self.nodeIDs.map { ($0, base + "/" + $0) })
        for id in Self.nodeIDs { try start(id) }
        ticker.withLock { task in
            task = Task { [network] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(10))
                    for id in Self.nodeIDs { await network.driver(id)?.tick() }
                }
            }
        }
    }

    /// Opens (or reopens) a node's store and driver.
    func start(_ id: NodeID) throws {
        var configuration = NodeConfiguration(dataDirectory: directories[id]!, charterPath: "", nodeID: id)
        configuration.tickMillis = 25  // elections after 250–500 ms: tolerant of a loaded 2-core machine running other suites
        configuration.submitTimeoutMillis = 3_000
        configuration.snapshotInterval = snapshotInterval
        let store = try BrakeStore(directory: directories[id]!)
        let driver = try NodeDriver(
            configuration: configuration, charter: charter, store: store,
            transport: network.transport(for: id),
            logger: { var logger = Logger(label: id); logger.logLevel = .warning; return logger }()
        )
        network.drivers.withLock { $0[id] = driver }
    }

    /// Shuts a node's driver down and closes its store (its data stays).
    func stop(_ id: NodeID) async {
        let driver = network.drivers.withLock { $0.removeValue(forKey: id) }
        await driver?.shutdown()
    }

    func shutdown() async {
        ticker.withLock { $0?.cancel() }
        for id in Self.nodeIDs { await stop(id) }
        if let any = directories.values.first { try? FileManager.default.removeItem(atPath: (any as NSString).deletingLastPathComponent) }
    }

    /// Waits until some node leads and every node agrees on it; returns its id.
    func waitForLeader(among ids: [NodeID] = nodeIDs, timeout: Duration = .seconds(30)) async throws -> NodeID {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var leaders: Set<String> = []
            var leaderRole: NodeID?
            for id in ids {
                guard let status = await network.driver(id)?.status() else { continue }
                leaders.insert(status.leader ?? "")
                if status.role == "leader" { leaderRole = id }
            }
            if leaders.count == 1, let leaderRole, leaders.first == leaderRole { return leaderRole }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ClusterError("no agreed leader within \(timeout)")
    }

    /// Waits until every listed node has applied at least `index`.
    func waitApplied(_ index: UInt64, on ids: [NodeID] = nodeIDs) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            var done = true
            for id in ids where (await network.driver(id)?.status().appliedIndex ?? 0) < index { done = false }
            if done { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ClusterError("index \(index) not applied everywhere")
    }

    /// A trigger motion of `scope` proposed by `party`.
    func motion(_ scope: String, by party: String) throws -> Envelope {
        let now = Millis(Date().timeIntervalSince1970) * 1000
        let motion = Motion(
            federation: charter.federation, kind: .trigger, scope: try Scope(scope), reason: "test",
            proposer: party, created: now, expires: now + 3_600_000, nonce: String(UUID().uuidString.lowercased().filter(\.isHexDigit).prefix(32))
        )
        return motion.unsignedEnvelope().signed(with: keys[party]!)
    }
}

struct ClusterError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
