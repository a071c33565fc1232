/// What one node holds once the faults are healed and the federation has settled.
public struct NodeFinalState: Sendable, Hashable, Codable {
    /// 1...N.
    public var node: Int
    /// Its committed log; nil if it did not answer.
    public var log: [LoggedEntry]?
    /// Its registry digest, if it reports one.
    public var registryDigest: String?
    /// Its pauses; nil if it did not answer.
    public var pauses: [PauseSummary]?

    /// Creates a final state.
    public init(node: Int, log: [LoggedEntry]?, registryDigest: String? = nil, pauses: [PauseSummary]?) {
        self.node = node
        self.log = log
        self.registryDigest = registryDigest
        self.pauses = pauses
    }
}
