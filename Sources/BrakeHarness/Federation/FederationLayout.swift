import Foundation

/// What `brake-harness up` made, written to `D/harness.json`: every path, port and key of a
/// federation, so later commands (and tests, and people) find the nodes without asking anyone.
///
/// Nodes are numbered 1...N as on the command line; node `n` has id `node-n` and is owned by party
/// `pn`. Link `i>j` is the proxy node i dials to reach node j.
public struct FederationLayout: Codable, Sendable, Hashable {
    /// One party and the key files the harness made for it.
    public struct PartyFiles: Codable, Sendable, Hashable {
        /// The party id, e.g. `p2`.
        public var id: String
        /// `lab` or `government`.
        public var partyClass: String
        /// The private key file (0600).
        public var key: String
        /// The public key file.
        public var publicKey: String
    }

    /// One node: its identity, its files and its addresses.
    public struct Node: Codable, Sendable, Hashable {
        /// 1...N.
        public var number: Int
        /// The node id in the charter, `node-<number>`.
        public var id: String
        /// The owning party.
        public var party: String
        /// The node's own directory (config, identity, data, log).
        public var directory: String
        /// The node identity directory (`brakectl node init`).
        public var identity: String
        /// The data directory.
        public var dataDir: String
        /// The local API's Unix socket.
        public var socket: String
        /// The braked config file.
        public var config: String
        /// braked's output.
        public var log: String
        /// The peer listener, `127.0.0.1:PORT`: the address in the charter.
        public var listen: String
        /// The listener's port.
        public var listenPort: Int
        /// The address this node dials for each peer id: that link's proxy.
        public var peers: [String: String]
        /// True for a node outside the genesis charter, which joins by amendment: `Federation`
        /// does not start it with the others (`start(_:)` does).
        public var joining: Bool?
    }

    /// One directed link and its proxy.
    public struct Link: Codable, Sendable, Hashable {
        /// The dialling node's number.
        public var from: Int
        /// The dialled node's number.
        public var to: Int
        /// The proxy's port (what `from` dials).
        public var proxyPort: Int
        /// The port the proxy forwards to (`to`'s listener).
        public var targetPort: Int
    }

    /// The charter's policies, in `brakectl charter init` form (`2:any,1:government`) and in words.
    public struct Policies: Codable, Sendable, Hashable {
        /// The trigger policy, e.g. `2:any`.
        public var trigger: String
        /// The lift policy, e.g. `3:any,1:government`.
        public var lift: String
        /// The amendment policy.
        public var amend: String
        /// The trigger policy in words.
        public var triggerSummary: String
        /// The lift policy in words.
        public var liftSummary: String
        /// The amendment policy in words.
        public var amendSummary: String
    }

    /// The layout format version.
    public var version = 1
    /// The federation directory D.
    public var directory: String
    /// The federation id.
    public var federation: String
    /// The signed charter file.
    public var charter: String
    /// Its policies.
    public var policies: Policies
    /// The parties, p1...pN.
    public var parties: [PartyFiles]
    /// The nodes, 1...N.
    public var nodes: [Node]
    /// The N·(N−1) directed links.
    public var links: [Link]
    /// The supervisor's control socket.
    public var controlSocket: String
    /// The supervisor's log.
    public var supervisorLog: String
    /// Where the `braked` and `brakectl` used were found.
    public var binDirectory: String

    /// The layout file of a federation directory.
    public static func path(in directory: String) -> String {
        (directory as NSString).appendingPathComponent("harness.json")
    }

    /// Reads `D/harness.json`.
    public static func load(directory: String) throws -> FederationLayout {
        let path = Self.path(in: directory)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HarnessError(.file, "no federation in \(directory): cannot read \(path) (run brake-harness up first)")
        }
        do {
            return try JSONDecoder().decode(FederationLayout.self, from: data)
        } catch {
            throw HarnessError(.file, "\(path) is not a harness layout: \(error)")
        }
    }

    /// Writes `D/harness.json`, pretty and with sorted keys so it reads and diffs well.
    public func write() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        guard FileManager.default.createFile(atPath: Self.path(in: directory), contents: data + Data("\n".utf8)) else {
            throw HarnessError(.file, "cannot write \(Self.path(in: directory))")
        }
    }

    /// The node numbered `number`, or a usage error naming the valid range.
    public func node(_ number: Int) throws -> Node {
        guard let node = nodes.first(where: { $0.number == number }) else {
            throw HarnessError(.usage, "no node \(number): this federation has nodes 1...\(nodes.count)")
        }
        return node
    }

    /// The link from `from` to `to`.
    public func link(from: Int, to: Int) -> Link? {
        links.first { $0.from == from && $0.to == to }
    }
}
