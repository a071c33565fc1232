/// The parties, classes and policies of a harness federation of N nodes: pure, so `up` and the
/// tests agree on them without running anything.
///
/// Party `pn` owns node `n`. Classes alternate lab, government, lab, ... (p1 alone is a government,
/// so a one-node federation can still meet the lift policy). Policies, in `charter init` form:
/// - trigger: 2 parties of any class (1 when N = 1): pressing the brake is easy, by design;
/// - lift: a majority of parties, at least one of them a government: releasing it is harder;
/// - amend: a majority of parties.
///
/// `joining` more nodes (numbered after the charter's, each with a party of its own) get keys, an
/// identity and a config with `"join": true`, but are in no charter: a test adds them by amendment.
public struct FederationPlan: Sendable, Hashable {
    /// How many nodes (and parties) the charter lists.
    public let nodeCount: Int
    /// How many more nodes (and parties) wait outside the charter.
    public let joiningCount: Int

    /// A plan for `nodeCount` nodes (1...9: node and party ids stay one digit, ports stay few),
    /// plus `joining` nodes outside the charter (the total stays within 9).
    public init(nodeCount: Int, joining: Int = 0) throws {
        guard (1...9).contains(nodeCount), joining >= 0, nodeCount + joining <= 9 else {
            throw HarnessError(.usage, "--nodes must be 1...9, not \(nodeCount)\(joining > 0 ? " (+\(joining) joining)" : "")")
        }
        self.nodeCount = nodeCount
        self.joiningCount = joining
    }

    /// The charter's node numbers 1...N.
    public var numbers: ClosedRange<Int> { 1...nodeCount }

    /// Every node number, the joining ones included.
    public var allNumbers: ClosedRange<Int> { 1...(nodeCount + joiningCount) }

    /// Whether node `n` waits outside the charter.
    public func isJoining(_ n: Int) -> Bool { n > nodeCount }

    /// The node id of node `n`.
    public static func nodeID(_ n: Int) -> String { "node-\(n)" }

    /// The party id owning node `n`.
    public static func partyID(_ n: Int) -> String { "p\(n)" }

    /// `lab` or `government` for party `pn`.
    public func partyClass(_ n: Int) -> String {
        nodeCount == 1 || n % 2 == 0 ? "government" : "lab"
    }

    /// A majority of the parties.
    public var majority: Int { nodeCount / 2 + 1 }

    /// The trigger policy, `K:CLASS` clauses.
    public var trigger: String { "\(min(2, nodeCount)):any" }

    /// The lift policy.
    public var lift: String { "\(majority):any,1:government" }

    /// The amendment policy.
    public var amend: String { "\(majority):any" }
}
