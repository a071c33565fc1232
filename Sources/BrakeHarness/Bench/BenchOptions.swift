/// What `brake-harness bench` measures and how much of it.
///
/// The defaults take a few minutes on a 2-core machine; `quick` shrinks every size so a test can
/// run the whole command in well under a minute; the long parts (many failover trials, a million
/// entries) are flags.
public struct BenchOptions: Codable, Sendable, Hashable {
    /// Federation sizes, each a fresh federation.
    public var nodes = [1, 3, 5]
    /// Client counts for signed submissions.
    public var clients = [1, 16, 64]
    /// Submissions per client count (fewer if `submitSeconds` runs out first).
    public var commits = 4_000
    /// The longest one client count may take.
    public var submitSeconds = 10.0
    /// Connection counts for `check`.
    public var checkConnections = [16, 64]
    /// How long each `check` load runs.
    public var checkSeconds = 3.0
    /// Trials of the pause measurement and of the failover measurement.
    public var trials = 10
    /// Entries in the log of the restarted node (the fill tops up what earlier phases left).
    public var entries = 50_000
    /// Restarts of that node.
    public var restarts = 3
    /// Where the federations go; each size gets a subdirectory, removed afterwards unless `keep`.
    public var directory: String
    /// Keep the federations' directories.
    public var keep = false
    /// Run `perf record` on the leader's `braked` during the run with the most clients, writing
    /// `perf-<nodes>.data` into this directory.
    public var perfDirectory: String?
    /// Where `braked` and `brakectl` are.
    public var binDirectory = ToolRunner.binDirectory

    /// The defaults, with federations under `directory`.
    public init(directory: String) {
        self.directory = directory
    }

    /// Tiny sizes for a smoke test of the command itself: one and three nodes, one and 64 clients,
    /// a few hundred submissions, two trials, 300 entries: every figure and target, measured badly.
    public static func quick(directory: String) -> BenchOptions {
        var options = BenchOptions(directory: directory)
        options.nodes = [1, 3]
        options.clients = [1, 64]
        options.commits = 128
        options.submitSeconds = 5
        options.checkConnections = [16]
        options.checkSeconds = 0.3
        options.trials = 2
        options.entries = 300
        options.restarts = 1
        return options
    }
}
