/// The Raft and API timing written into every node's config.
///
/// Short by default so tests and chaos runs see elections in well under a second: 50 ms ticks,
/// elections after 10–20 ticks (0.5–1 s), heartbeats every 2 ticks.
public struct NodeTiming: Sendable, Hashable, Codable {
    /// Length of one Raft tick.
    public var tickMillis = 50
    /// Election timeout in ticks.
    public var electionTicks = 10
    /// Heartbeat interval in ticks.
    public var heartbeatTicks = 2
    /// How long a submission waits for its commit before the node answers 202.
    public var submitTimeoutMillis = 3_000
    /// Entries between snapshots (small values exercise snapshot install).
    public var snapshotInterval = 10_000

    /// The defaults above.
    public init() {}
}
