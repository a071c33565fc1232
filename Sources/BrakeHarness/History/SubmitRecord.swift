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
