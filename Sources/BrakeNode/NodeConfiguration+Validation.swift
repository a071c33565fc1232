import BrakeCore
import BrakeFiles
import BrakeReplica

extension NodeConfiguration {
    /// The fields a config file may hold; any other key is a mistake (a misspelt field would
    /// otherwise be ignored silently and its default used).
    static let knownFields: Set<String> = [
        "dataDir", "socket", "charter", "node", "tickMillis", "electionTicks", "heartbeatTicks", "maxBodyBytes",
        "submitTimeoutMillis", "snapshotInterval", "apiMaxConnections", "apiIdleTimeoutMillis", "maxEventStreams",
        "identity", "listen", "peers", "publicListen", "publicRequestsPerMinute", "publicBurst", "publicMaxConnections",
        "publicMaxEventStreams", "publicTrustedProxies", "join", "introducers", "backgroundLoadRows",
    ]

    /// The smallest body cap that still takes every valid declaration: a motion at its field limits
    /// with signatures of several parties fits well inside it.
    public static let minimumBodyBytes = 64 * 1024

    /// Checks every value, naming the field of the first one that cannot work (code `config`).
    public func validate() throws(NodeError) {
        func fail(_ field: String, _ value: Any, _ why: String) -> NodeError {
            NodeError(.config, "\(field): \(value) — \(why)")
        }
        guard backgroundLoadRows >= 0 else { throw fail("backgroundLoadRows", backgroundLoadRows, "must be 0 or more") }
        guard (1...60_000).contains(tickMillis) else { throw fail("tickMillis", tickMillis, "must be 1 to 60000 ms") }
        guard (1...1_000).contains(heartbeatTicks) else { throw fail("heartbeatTicks", heartbeatTicks, "must be 1 to 1000") }
        guard electionTicks > heartbeatTicks, electionTicks <= 10_000 else {
            throw fail("electionTicks", electionTicks, "must exceed heartbeatTicks (\(heartbeatTicks)) and be at most 10000")
        }
        guard maxBodyBytes >= Self.minimumBodyBytes, maxBodyBytes <= 64 << 20 else {
            throw fail("maxBodyBytes", maxBodyBytes, "must be \(Self.minimumBodyBytes) to \(64 << 20) bytes, or valid declarations are refused")
        }
        guard (1...600_000).contains(submitTimeoutMillis) else {
            throw fail("submitTimeoutMillis", submitTimeoutMillis, "must be 1 to 600000 ms")
        }
        guard (8...65_536).contains(apiMaxConnections) else {
            throw fail("apiMaxConnections", apiMaxConnections, "must be 8 to 65536")
        }
        guard (100...3_600_000).contains(apiIdleTimeoutMillis) else {
            throw fail("apiIdleTimeoutMillis", apiIdleTimeoutMillis, "must be 100 to 3600000 ms")
        }
        guard maxEventStreams >= 1, maxEventStreams < apiMaxConnections else {
            throw fail("maxEventStreams", maxEventStreams, "must be at least 1 and below apiMaxConnections (\(apiMaxConnections)), so streams cannot hold every connection")
        }
        guard snapshotInterval >= 1 else { throw fail("snapshotInterval", snapshotInterval, "must be at least 1") }
        guard !dataDirectory.isEmpty else { throw fail("dataDir", "\"\"", "must name a directory") }
        guard NodeInfo.isValidID(nodeID) else { throw fail("node", nodeID, "must be a node id of the charter (1 to 64 of a-z, 0-9, '.', '_', '-')") }
        if let listen = listenAddress, !Self.isAddress(listen) {
            throw fail("listen", listen, "must be HOST:PORT")
        }
        if joining, listenAddress == nil || identityDirectory == nil {
            throw fail("join", true, "a joining node is not in the charter it starts with: it needs \"listen\" and \"identity\"")
        }
        try validateIntroducers()
        try validatePublic()
        for (peer, address) in peerAddresses.sorted(by: { $0.key < $1.key }) where !Self.isAddress(address) {
            throw fail("peers.\(peer)", address, "must be HOST:PORT")
        }
    }

    static func isAddress(_ text: String) -> Bool {
        NodeInfo.endpoint(of: text) != nil
    }
}

extension NodeConfiguration {
    /// Reads the introducers' node entry files (`node.pub.json`, paths already resolved), naming
    /// the file that cannot be read or is not a valid entry (code `config`).
    static func readIntroducers(_ paths: [String]) throws(NodeError) -> [NodeInfo] {
        var entries: [NodeInfo] = []
        for path in paths {
            do {
                entries.append(try NodeIdentity.readEntry(at: path))
            } catch {
                throw NodeError(.config, "introducers: \(error.message) (each item is the path of a node entry, node.pub.json)")
            }
        }
        return entries
    }

    /// Introducers are for a joining node only, each a node other than this one, each id once.
    func validateIntroducers() throws(NodeError) {
        guard !introducers.isEmpty else { return }
        guard joining else {
            throw NodeError(.config, "introducers: only a joining node (\"join\": true) uses introducers; a node of the charter dials the charter's nodes")
        }
        var seen: Set<String> = []
        for node in introducers {
            guard node.id != nodeID else {
                throw NodeError(.config, "introducers: \(node.id) — is this node itself; list nodes of the charter in force")
            }
            guard seen.insert(node.id).inserted else {
                throw NodeError(.config, "introducers: \(node.id) — listed twice")
            }
        }
    }
}
