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
