import Foundation

/// What `brake-harness status` shows of one node.
public struct NodeReport: Codable, Sendable, Hashable {
    /// 1...N.
    public var number: Int
    /// The node id.
    public var id: String
    /// The owning party.
    public var party: String
    /// What the harness last did to the process: running, stopped or exited.
    public var process: String
    /// The process id while it runs.
    public var pid: Int32?
    /// The node's `/v1/status`, if it answered in time.
    public var status: NodeStatusView?
    /// The verdict for the scope asked about, if any and if it answered.
    public var verdict: String?
    /// Why the node did not answer, if it did not.
    public var error: String?
}

/// The whole federation at one moment.
public struct FederationReport: Codable, Sendable, Hashable {
    /// Each node.
    public var nodes: [NodeReport]
    /// Links cut now, `i>j`.
    public var cutLinks: [String]
    /// The scope checked, if one was asked for.
    public var scope: String?
}
