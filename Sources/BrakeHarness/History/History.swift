/// What a client saw during a run: every submission and every check, with when it was sent and
/// when its answer came (seconds since the run started, on a monotonic clock).
///
/// The history is the evidence the `HistoryChecker` judges; it holds only what clients observed,
/// never what a node says about itself, so a node cannot vouch for its own correctness.
public struct History: Sendable, Hashable, Codable {
    /// Every submission.
    public var submits: [SubmitRecord] = []
    /// Every check.
    public var checks: [CheckRecord] = []

    /// An empty history.
    public init(submits: [SubmitRecord] = [], checks: [CheckRecord] = []) {
        self.submits = submits
        self.checks = checks
    }
}

/// One submission of a signed declaration to one node.
public struct SubmitRecord: Sendable, Hashable, Codable {
    /// How the node answered.
    public enum Outcome: Sendable, Hashable, Codable {
        /// 200: committed and applied at `index`; `state` is the motion's state after it (`open`, `passed`).
        case acknowledged(index: UInt64, state: String)
        /// 202: accepted but not yet committed when the node answered.
        case pending
        /// 4xx: the node refused it, with the error code.
        case refused(code: String)
        /// 5xx, a timeout or no connection: the client cannot tell what happened.
        case failed(reason: String)
    }

    /// The node (1...N) it was sent to.
    public var node: Int
    /// The motion id (SHA-256 of the payload).
    public var motionID: String
    /// `trigger` or `lift`.
    public var kind: String
    /// The motion's scope.
    public var scope: String
    /// For a lift: the pause it lifts.
    public var pause: String?
    /// The party whose signature this submission adds.
    public var signer: String
    /// That signature, base64: an acknowledged submission must leave it in the log.
    public var signature: String
    /// When the request was sent.
    public var invokedAt: Double
    /// When the answer (or the failure) came.
    public var completedAt: Double
    /// The answer.
    public var outcome: Outcome

    /// Creates a record.
    public init(
        node: Int, motionID: String, kind: String, scope: String, pause: String? = nil, signer: String,
        signature: String, invokedAt: Double, completedAt: Double, outcome: Outcome
    ) {
        self.node = node
        self.motionID = motionID
        self.kind = kind
        self.scope = scope
        self.pause = pause
        self.signer = signer
        self.signature = signature
        self.invokedAt = invokedAt
        self.completedAt = completedAt
        self.outcome = outcome
    }
}

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
