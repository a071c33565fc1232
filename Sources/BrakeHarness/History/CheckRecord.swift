/// One `check` of a scope on one node.
public struct CheckRecord: Sendable, Hashable, Codable {
    /// The node (1...N) asked.
    public var node: Int
    /// The scope asked about.
    public var scope: String
    /// The staleness bound sent: a `clear` may reflect state this old.
    public var maxStalenessMillis: Int
    /// When the request was sent.
    public var invokedAt: Double
    /// When the answer (or the failure) came.
    public var completedAt: Double
    /// `clear`, `paused` or `unknown`; nil when the node did not answer.
    public var verdict: String?

    /// Creates a record.
    public init(node: Int, scope: String, maxStalenessMillis: Int, invokedAt: Double, completedAt: Double, verdict: String?) {
        self.node = node
        self.scope = scope
        self.maxStalenessMillis = maxStalenessMillis
        self.invokedAt = invokedAt
        self.completedAt = completedAt
        self.verdict = verdict
    }
}
