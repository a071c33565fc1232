/// Waiting for a condition with a deadline, never a bare sleep: the wait ends as soon as the
/// condition holds, and a timeout names what was awaited.
public enum Deadline {
    /// Polls `condition` every `poll` until it holds; throws `timeout` naming `what` after `timeout`.
    /// Runs on the caller's actor, so the condition may read the caller's state.
    public static func waitUntil(
        _ what: String, timeout: Duration, poll: Duration = .milliseconds(50),
        isolation: isolated (any Actor)? = #isolation,
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if try await condition() { return }
            guard ContinuousClock.now < deadline else {
                throw HarnessError(.timeout, "timed out after \(timeout) waiting for \(what)")
            }
            try await Task.sleep(for: poll)
        }
    }
}
