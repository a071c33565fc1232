import BrakeCore
import Foundation

/// Makes a federation's files with the real tools: party keys (`brakectl keygen`), node identities
/// (`brakectl node init`), the charter (`brakectl charter init`, signed by every party), one braked
/// config per node, and `D/harness.json`. Starts nothing: `Federation` does.
///
/// Using the real `brakectl` (not library calls) means a federation the harness makes is one a
/// person could make by hand, and the harness exercises the tools as it goes.
public struct FederationMaker: Sendable {
    /// Nodes, parties and policies.
    public var plan: FederationPlan
    /// The federation directory D; created if missing, refused if it already holds a federation.
    public var directory: String
    /// Where `brakectl` and `braked` are.
    public var binDirectory: String
    /// Timing for every node's config.
    public var timing: NodeTiming
    /// Nodes dial each other's listeners directly instead of the links' proxies (the proxies still
    /// run, unused): the benchmark measures Brake, not the harness's relay. Links cannot be cut then.
    public var directPeers = false

    /// A maker for `plan` in `directory`.
    public init(plan: FederationPlan, directory: String, binDirectory: String = ToolRunner.binDirectory, timing: NodeTiming = NodeTiming()) {
        self.plan = plan
        self.directory = (directory as NSString).standardizingPath.hasPrefix("/")
            ? (directory as NSString).standardizingPath
            : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(directory)
        self.binDirectory = binDirectory
        self.timing = timing
    }

    /// Makes every file and returns the layout (also written to `D/harness.json`).
    public func make() async throws -> FederationLayout {
        let files = FileManager.default
        guard !files.fileExists(atPath: FederationLayout.path(in: directory)) else {
            throw HarnessError(.usage, "\(directory) already holds a federation (harness.json); use brake-harness down, or another --dir")
        }
        try createDirectory(directory)
        try createDirectory(path("keys"))
        let parties = try await makeKeys()
        let total = plan.allNumbers.count
        let ports = try LoopbackPorts.allocate(total * total)
        var links: [FederationLayout.Link] = []
        var nextPort = total
        for from in plan.allNumbers {
            for to in plan.allNumbers where to != from {
                links.append(.init(from: from, to: to, proxyPort: ports[nextPort], targetPort: ports[to - 1]))
                nextPort += 1
            }
        }
        var nodes: [FederationLayout.Node] = []
        for n in plan.allNumbers {
            nodes.append(try await makeNode(n, listenPort: ports[n - 1], links: links))
        }
        let charter = path("charter.dsse.json")
        try await makeCharter(
            charter, parties: parties.filter { !plan.isJoining(Int($0.id.dropFirst()) ?? 0) },
            nodes: nodes.filter { $0.joining != true })
        let layout = FederationLayout(
            directory: directory, federation: federationID, charter: charter,
            policies: .init(
                trigger: plan.trigger, lift: plan.lift, amend: plan.amend,
                triggerSummary: Self.summary(plan.trigger), liftSummary: Self.summary(plan.lift), amendSummary: Self.summary(plan.amend)
            ),
            parties: parties, nodes: nodes, links: links,
            controlSocket: path("control.sock"), supervisorLog: path("harness.log"), binDirectory: binDirectory
        )
        try layout.write()
        return layout
    }

    /// The federation id: the directory's name, so two harness federations never share one.
    var federationID: String {
        let name = (directory as NSString).lastPathComponent.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "-" }
        return "harness-" + (name.isEmpty ? "federation" : name)
    }

    private func makeKeys() async throws -> [FederationLayout.PartyFiles] {
        var parties: [FederationLayout.PartyFiles] = []
        for n in plan.allNumbers {
            let id = FederationPlan.partyID(n)
            let key = path("keys/\(id).key")
            try await ToolRunner.check("brakectl", ["keygen", "--party", id, "--out", key], binDirectory: binDirectory)
            parties.append(.init(id: id, partyClass: plan.partyClass(n), key: key, publicKey: key + ".pub"))
        }
        return parties
    }

    private func makeNode(_ n: Int, listenPort: Int, links: [FederationLayout.Link]) async throws -> FederationLayout.Node {
        let id = FederationPlan.nodeID(n)
        let dir = path(id)
        try createDirectory(dir)
        let node = FederationLayout.Node(
            number: n, id: id, party: FederationPlan.partyID(n), directory: dir,
            identity: dir + "/identity", dataDir: dir + "/data", socket: dir + "/brake.sock",
            config: dir + "/braked.json", log: dir + "/braked.log",
            listen: "127.0.0.1:\(listenPort)", listenPort: listenPort,
            peers: Dictionary(uniqueKeysWithValues: links.filter { $0.from == n }.map {
                (FederationPlan.nodeID($0.to), "127.0.0.1:\(directPeers ? $0.targetPort : $0.proxyPort)")
            }),
            joining: plan.isJoining(n) ? true : nil
        )
        guard node.socket.utf8.count < 100 else {
            throw HarnessError(.usage, "the socket path \(node.socket) is too long for a Unix socket; use a shorter --dir")
        }
        try await ToolRunner.check("brakectl", [
            "node", "init", "--dir", node.identity, "--id", id, "--party", node.party, "--address", node.listen, "--json",
        ], binDirectory: binDirectory)
        try writeConfig(node)
        return node
    }

    private func writeConfig(_ node: FederationLayout.Node) throws {
        var config: [String: Any] = [
            "dataDir": node.dataDir, "socket": node.socket, "charter": path("charter.dsse.json"), "node": node.id,
            "identity": node.identity, "listen": node.listen, "peers": node.peers,
            "tickMillis": timing.tickMillis, "electionTicks": timing.electionTicks, "heartbeatTicks": timing.heartbeatTicks,
            "submitTimeoutMillis": timing.submitTimeoutMillis, "snapshotInterval": timing.snapshotInterval,
        ]
        if node.joining == true { config["join"] = true }
        let data = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        guard FileManager.default.createFile(atPath: node.config, contents: data + Data("\n".utf8)) else {
            throw HarnessError(.file, "cannot write \(node.config)")
        }
    }

    private func makeCharter(_ charter: String, parties: [FederationLayout.PartyFiles], nodes: [FederationLayout.Node]) async throws {
        var arguments = ["charter", "init", "--federation", federationID]
        for party in parties {
            arguments += ["--party", "\(party.id):Party \(party.id.dropFirst()):\(party.partyClass):\(party.publicKey)"]
        }
        for node in nodes {
            arguments += ["--node-file", node.identity + "/node.pub.json"]
        }
        arguments += ["--trigger", plan.trigger, "--lift", plan.lift, "--amend", plan.amend, "--out", charter]
        try await ToolRunner.check("brakectl", arguments, binDirectory: binDirectory)
        for party in parties {
            try await ToolRunner.check("brakectl", ["charter", "sign", charter, "--key", party.key], binDirectory: binDirectory)
        }
    }

    private func path(_ relative: String) -> String {
        (directory as NSString).appendingPathComponent(relative)
    }

    private func createDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw HarnessError(.file, "cannot create \(path): \(error)")
        }
    }

    /// "at least 2 parties of any class", from `2:any`; the text itself if it does not parse.
    static func summary(_ policy: String) -> String {
        var clauses: [PolicyClause] = []
        for clause in policy.split(separator: ",") {
            let parts = clause.split(separator: ":")
            guard parts.count == 2, let count = Int(parts[0]) else { return policy }
            clauses.append(PolicyClause(atLeast: count, partyClass: parts[1] == "any" ? nil : PartyClass(rawValue: String(parts[1]))))
        }
        return PolicyRule(clauses: clauses).summary
    }
}
