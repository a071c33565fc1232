import Foundation

/// One fault (or repair) the harness injects, named as on the command line.
public enum FaultAction: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Cut every link between groups, heal every link inside one.
    case partition([[Int]])
    /// Cut every link to and from a node.
    case isolate(Int)
    /// Cut one direction: the first node's messages no longer reach the second.
    case cut(from: Int, to: Int)
    /// Heal every link.
    case heal
    /// SIGKILL a node.
    case kill(Int)
    /// SIGSTOP a node.
    case stop(Int)
    /// SIGCONT a stopped node.
    case cont(Int)
    /// Start a killed node again, or stop and start a running one.
    case restart(Int)

    /// The command-line form: `partition 1,2/3,4,5`, `cut 1>2`, `kill 3`...
    public var description: String {
        switch self {
        case .partition(let groups): "partition " + groups.map { $0.map(String.init).joined(separator: ",") }.joined(separator: "/")
        case .isolate(let n): "isolate \(n)"
        case .cut(let from, let to): "cut \(from)>\(to)"
        case .heal: "heal"
        case .kill(let n): "kill \(n)"
        case .stop(let n): "stop \(n)"
        case .cont(let n): "cont \(n)"
        case .restart(let n): "restart \(n)"
        }
    }

    /// Parses `1,2/3,4,5` into groups.
    public static func parseGroups(_ text: String) throws -> [[Int]] {
        let groups = try text.split(separator: "/").map { group in
            try group.split(separator: ",").map { item in
                guard let n = Int(item.trimmingCharacters(in: .whitespaces)) else {
                    throw HarnessError(.usage, "\"\(text)\" is not a partition like 1,2/3,4,5")
                }
                return n
            }
        }
        guard groups.count >= 2, groups.allSatisfy({ !$0.isEmpty }) else {
            throw HarnessError(.usage, "\"\(text)\" is not a partition like 1,2/3,4,5 (at least two non-empty groups)")
        }
        return groups
    }

    /// Parses `1>2` into a directed link.
    public static func parseLink(_ text: String) throws -> (from: Int, to: Int) {
        let parts = text.split(separator: ">")
        guard parts.count == 2, let from = Int(parts[0]), let to = Int(parts[1]), from != to else {
            throw HarnessError(.usage, "\"\(text)\" is not a directed link like 1>2")
        }
        return (from, to)
    }
}
