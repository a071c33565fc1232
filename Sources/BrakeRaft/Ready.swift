/// Everything the core asks the shell to do, drained by `RaftNode.ready()`.
///
/// The fields are numbered by the order the shell must follow: first make (1) durable, then
/// send (2), then apply (3). Sending before persisting could make a node vote twice in a term
/// or acknowledge entries it may lose in a crash.
public struct Ready: Sendable {
    /// 1. Persist if not nil: term, vote and commit index changed.
    public var hardState: HardState?
    /// 1. Persist: append to the stored log, first dropping any stored entries with index
    /// `>= entries[0].index` (a leader overwrote a conflicting suffix).
    public var entries: [Entry]
    /// 1. Persist and install if not nil: a snapshot received from the leader. It replaces the
    /// application state and the whole stored log; persist it before `entries`. (A follower
    /// that already holds the snapshot's last entry keeps its log, and no snapshot is emitted.)
    public var snapshot: Snapshot?
    /// 2. Send, only after everything in 1 is durable.
    public var messages: [RaftMessage]
    /// 3. Apply in order, after 1. Always continues from the last index handed out (or from a
    /// snapshot installed in this or an earlier `Ready`).
    public var committedEntries: [Entry]
    /// 3. Answer each read once the applied index is at least `ReadState.index`.
    public var readStates: [ReadState]
    /// Role, leader or term changed since the last `Ready`; for status and metrics.
    public var softState: SoftState?

    /// Creates a `Ready`; the core fills it, tests may build one.
    public init(
        hardState: HardState? = nil,
        entries: [Entry] = [],
        snapshot: Snapshot? = nil,
        messages: [RaftMessage] = [],
        committedEntries: [Entry] = [],
        readStates: [ReadState] = [],
        softState: SoftState? = nil
    ) {
        self.hardState = hardState
        self.entries = entries
        self.snapshot = snapshot
        self.messages = messages
        self.committedEntries = committedEntries
        self.readStates = readStates
        self.softState = softState
    }

    /// Whether there is nothing to do.
    public var isEmpty: Bool {
        hardState == nil && entries.isEmpty && snapshot == nil && messages.isEmpty
            && committedEntries.isEmpty && readStates.isEmpty && softState == nil
    }
}
