/// Everything one `brake-harness bench` run measured, as it writes it to JSON.
public struct BenchReport: Codable, Sendable {
    /// Signed submissions with a number of clients, all to the leader's local API.
    public struct SubmitFigures: Codable, Sendable, Hashable {
        /// Concurrent clients, each with one submission in flight.
        public var clients: Int
        /// Submissions answered 200 (committed and applied on the node that answered).
        public var commits: Int
        /// Submissions answered otherwise (202 pending, 4xx, 5xx).
        public var refused: Int
        /// Wall time of the phase.
        public var seconds: Double
        /// Commits per second.
        public var commitsPerSecond: Double
        /// Commit latency, client-side: from writing the request to reading the 200.
        public var latency: LatencyFigures
    }

    /// `check` requests with a number of connections.
    public struct CheckFigures: Codable, Sendable, Hashable {
        /// Concurrent connections, each with one request in flight.
        public var connections: Int
        /// Requests answered 200.
        public var requests: Int
        /// Requests per second.
        public var requestsPerSecond: Double
        /// Their latency.
        public var latency: LatencyFigures
    }

    /// The figures of one federation size.
    public struct FederationFigures: Codable, Sendable, Hashable {
        /// Nodes (and parties).
        public var nodes: Int
        /// Per number of clients.
        public var submit: [SubmitFigures]
        /// Per number of connections, on one node.
        public var check: [CheckFigures]
        /// From sending the last signature a pause needs to every node answering `paused`.
        public var pauseEverywhere: LatencyFigures
        /// From SIGKILL of the leader to the first commit a survivor acknowledges; nil for one node.
        public var failover: LatencyFigures?
        /// CPU seconds of all `braked` processes together per thousand commits, in the run with the most clients.
        public var cpuSecondsPerThousandCommits: Double
    }

    /// A node restarted on a data directory with many entries.
    public struct RestartFigures: Codable, Sendable, Hashable {
        /// Entries in the node's log when it was killed.
        public var entries: UInt64
        /// How long filling the log took, and at what rate.
        public var fillSeconds: Double
        /// From starting the process to its first answer on the local API (`status`).
        public var toAnswering: LatencyFigures
        /// From starting the process to its first `clear` or `paused` verdict (serving checks).
        public var toServing: LatencyFigures
    }

    /// The machine and build.
    public var machine: MachineInfo
    /// Raft timing of every node.
    public var timing: NodeTiming
    /// What was asked for.
    public var options: BenchOptions
    /// One per federation size.
    public var federations: [FederationFigures]
    /// The restart measurement.
    public var restart: RestartFigures?
    /// The targets, each with what was measured.
    public var targets: [TargetCheck]
}
