import BrakeCore
import BrakeReplica
import Foundation

/// How one `braked` node runs: where it keeps its data, where it listens, which charter it serves
/// and which of the charter's nodes it is.
///
/// The file form is JSON (see `Deploy/node.json`); relative paths in it are resolved against the
/// directory of the file, so a config and its charter can travel together.
public struct NodeConfiguration: Sendable, Hashable {
    /// The data directory: LMDB store, lock file and, by default, the socket.
    public var dataDirectory: String
    /// The Unix socket of the local API; `<data-dir>/brake.sock` by default.
    public var socketPath: String
    /// The charter: a DSSE envelope signed by every founding party.
    public var charterPath: String
    /// This node's id, as pinned in the charter.
    public var nodeID: String
    /// Length of one Raft tick. Election timeouts are counted in ticks.
    public var tickMillis: Int = 100
    /// Election timeout in ticks (randomized between this and twice this).
    public var electionTicks: Int = 10
    /// Heartbeat interval in ticks.
    public var heartbeatTicks: Int = 2
    /// The largest request body the API accepts, in bytes.
    public var maxBodyBytes: Int = 256 * 1024
    /// How long a submission waits for its entry to be committed and applied before it is answered 202.
    public var submitTimeoutMillis: Int = 5_000
    /// Take a registry snapshot and compact the log once this many entries were applied since the last one.
    public var snapshotInterval: UInt64 = 10_000
    /// The most API connections open at once: a new one beyond it closes the connection idle the
    /// longest (or itself, when every other is busy). Event streams count too.
    public var apiMaxConnections: Int = 256
    /// How long an API connection may sit idle between requests before the node closes it.
    public var apiIdleTimeoutMillis: Int = 30_000
    /// The most `/v1/events` streams open at once; more are answered 503 `too_many_streams`.
    public var maxEventStreams: Int = 64
    /// Where the optional public read-only listener binds, `HOST:PORT` (plain HTTP, meant to sit
    /// behind the operator's reverse proxy); none by default. `PublicServer`.
    public var publicListen: String?
    /// Requests a minute each client may make of the public listener, on average.
    public var publicRequestsPerMinute: Int = 600
    /// Requests each client may make of the public listener at once, beyond the average.
    public var publicBurst: Int = 60
    /// The most public connections open at once (the idlest is closed to make room).
    public var publicMaxConnections: Int = 128
    /// The most `/v1/events` streams open on the public listener; always below `maxEventStreams`,
    /// so outsiders can never take every stream the node serves.
    public var publicMaxEventStreams: Int = 16
    /// The reverse proxies (IP addresses, as they connect) whose `X-Forwarded-For` names the client
    /// for the public rate limit; from anyone else the header is ignored.
    public var publicTrustedProxies: [String] = []
    /// The node identity directory (`brakectl node init`): TLS key and certificate. Required when
    /// the charter has more than one node.
    public var identityDirectory: String?
    /// Where the peer listener binds, `HOST:PORT`; the charter's address of this node by default.
    public var listenAddress: String?
    /// The address this node dials for each peer, overriding the charter's (a proxy, a NAT).
    public var peerAddresses: [String: String] = [:]
    /// Whether this node joins an existing federation: the charter file it starts with (the
    /// genesis charter) does not list it. It starts with an empty log as a non-voter, dials the
    /// charter's nodes, and is added (as a learner, then a voter) once an amendment that lists it
    /// commits (README, "Adding a node"). Needs `listenAddress` and `identityDirectory`.
    public var joining = false
    /// Nodes a joining node dials (and whose TLS pins it accepts), besides its genesis charter's,
    /// until the charter in force lists it: the entries (`node.pub.json`) of nodes of the charter
    /// in force, for a federation whose genesis nodes no longer run or lead. Only with `joining`.
    /// The file form lists the entry files' paths (`"introducers"`).
    public var introducers: [NodeInfo] = []
    /// A registry of more rows than this is loaded behind the check index after a restart: the
    /// node serves `check` (from the store's check index) and takes part in Raft at once, and
    /// answers submissions and registry reads once the rest has loaded (`registry_loading` until
    /// then). Smaller registries load before the node serves, which takes well under 0.1 s. 0 loads
    /// every non-empty registry in the background.
    public var backgroundLoadRows = 2_000

    /// Deliberately wrong checkpoint behaviour, for tests only: `braked` sets it from
    /// `BRAKE_TEST_FORK_CHECKPOINTS` and says so loudly.
    public var checkpointTesting = CheckpointTesting()

    /// Test-only: whether this node presents a forked history (`CheckpointTesting.forkAtNextLeaf`).
    public var forkCheckpointsForTests: Bool {
        get { checkpointTesting.forkAtNextLeaf }
        set { checkpointTesting.forkAtNextLeaf = newValue }
    }

    /// The core's tunables drawn from this configuration.
    public var replicaConfig: ReplicaConfig {
        var config = ReplicaConfig()
        config.tickMillis = tickMillis
        config.electionTicks = electionTicks
        config.heartbeatTicks = heartbeatTicks
        config.snapshotInterval = snapshotInterval
        config.checkpointTesting = checkpointTesting
        config.joining = joining
        config.introducers = introducers
        return config
    }

    /// Creates a configuration; the socket defaults to `<dataDirectory>/brake.sock`.
    public init(dataDirectory: String, socketPath: String? = nil, charterPath: String, nodeID: String) {
        self.dataDirectory = dataDirectory
        self.socketPath = socketPath ?? (dataDirectory as NSString).appendingPathComponent("brake.sock")
        self.charterPath = charterPath
        self.nodeID = nodeID
    }

    /// The JSON form of a node configuration file.
    struct File: Codable {
        var dataDir: String
        var socket: String?
        var charter: String
        var node: String
        var tickMillis: Int?
        var electionTicks: Int?
        var heartbeatTicks: Int?
        var maxBodyBytes: Int?
        var submitTimeoutMillis: Int?
        var snapshotInterval: UInt64?
        var apiMaxConnections: Int?
        var apiIdleTimeoutMillis: Int?
        var maxEventStreams: Int?
        var identity: String?
        var listen: String?
        var peers: [String: String]?
        var publicListen: String?
        var publicRequestsPerMinute: Int?
        var publicBurst: Int?
        var publicMaxConnections: Int?
        var publicMaxEventStreams: Int?
        var publicTrustedProxies: [String]?
        var join: Bool?
        var introducers: [String]?
        var backgroundLoadRows: Int?
    }

    /// Reads a configuration file, resolving relative paths against the file's directory.
    public static func load(path: String) throws(NodeError) -> NodeConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NodeError(.config, "cannot read config file \(path)")
        }
        let file: File
        do {
            if let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] {
                let unknown = Set(object.keys).subtracting(knownFields).sorted()
                guard unknown.isEmpty else {
                    throw NodeError(.config, "config file \(path): unknown field \(unknown.joined(separator: ", ")) (known: \(knownFields.sorted().joined(separator: ", ")))")
                }
            }
            file = try JSONDecoder().decode(File.self, from: data)
        } catch let error as NodeError {
            throw error
        } catch {
            throw NodeError(.config, "config file \(path) is not valid: \(error)")
        }
        let base = ((path as NSString).deletingLastPathComponent as NSString)
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : base.appendingPathComponent(p) }
        var config = NodeConfiguration(
            dataDirectory: resolve(file.dataDir),
            socketPath: file.socket.map(resolve),
            charterPath: resolve(file.charter),
            nodeID: file.node
        )
        if let v = file.tickMillis { config.tickMillis = v }
        if let v = file.electionTicks { config.electionTicks = v }
        if let v = file.heartbeatTicks { config.heartbeatTicks = v }
        if let v = file.maxBodyBytes { config.maxBodyBytes = v }
        if let v = file.submitTimeoutMillis { config.submitTimeoutMillis = v }
        if let v = file.snapshotInterval { config.snapshotInterval = v }
        if let v = file.apiMaxConnections { config.apiMaxConnections = v }
        if let v = file.apiIdleTimeoutMillis { config.apiIdleTimeoutMillis = v }
        if let v = file.maxEventStreams { config.maxEventStreams = v }
        config.identityDirectory = file.identity.map(resolve)
        config.listenAddress = file.listen
        config.peerAddresses = file.peers ?? [:]
        config.publicListen = file.publicListen
        if let v = file.publicRequestsPerMinute { config.publicRequestsPerMinute = v }
        if let v = file.publicBurst { config.publicBurst = v }
        if let v = file.publicMaxConnections { config.publicMaxConnections = v }
        if let v = file.publicMaxEventStreams { config.publicMaxEventStreams = v }
        config.publicTrustedProxies = file.publicTrustedProxies ?? []
        config.joining = file.join ?? false
        if let v = file.backgroundLoadRows { config.backgroundLoadRows = v }
        do {
            config.introducers = try Self.readIntroducers((file.introducers ?? []).map(resolve))
            try config.validate()
        } catch {
            throw NodeError(.config, "config file \(path): \(error.message)")
        }
        return config
    }
}
