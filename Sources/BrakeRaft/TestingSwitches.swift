/// Deliberately wrong rules, for tests only: the simulator turns one on to prove that its
/// invariant checks catch the resulting safety violation. All are off by default and a
/// production node must never turn one on.
public struct TestingSwitches: Sendable, Hashable {
    /// Commit an entry as soon as a quorum stores it, even if it is from an earlier term.
    /// Violates §5.4.2 of the Raft paper (the Figure 8 scenario loses a committed entry).
    public var commitOldTermEntries: Bool = false
    /// Grant votes without checking that the candidate's log is at least as up to date as ours.
    /// Violates §5.4.1 (a leader may miss committed entries).
    public var grantVotesIgnoringLog: Bool = false

    /// All switches off.
    public init(commitOldTermEntries: Bool = false, grantVotesIgnoringLog: Bool = false) {
        self.commitOldTermEntries = commitOldTermEntries
        self.grantVotesIgnoringLog = grantVotesIgnoringLog
    }
}
