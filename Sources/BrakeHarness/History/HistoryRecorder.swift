import Synchronization

/// Collects a `History` from many concurrent client tasks, stamping times on one monotonic clock.
public final class HistoryRecorder: Sendable {
    private let origin = ContinuousClock.now
    private let history = Mutex(History())

    /// A recorder whose clock starts now.
    public init() {}

    /// Seconds since the recorder was made.
    public func now() -> Double {
        let elapsed = ContinuousClock.now - origin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Records a submission.
    public func record(_ submit: SubmitRecord) {
        history.withLock { $0.submits.append(submit) }
    }

    /// Records a check.
    public func record(_ check: CheckRecord) {
        history.withLock { $0.checks.append(check) }
    }

    /// Everything recorded so far.
    public var snapshot: History {
        history.withLock { $0 }
    }
}
