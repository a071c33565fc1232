/// A command to the supervisor, one JSON line on its control socket.
public struct ControlRequest: Sendable, Hashable, Codable {
    /// `status`, `partition`, `isolate`, `cut`, `heal`, `kill`, `stop`, `cont`, `restart`, `down`.
    public var command: String
    /// For `partition`: the groups.
    public var groups: [[Int]]?
    /// For node commands: the node number.
    public var node: Int?
    /// For `cut`: the dialling node.
    public var from: Int?
    /// For `cut`: the dialled node.
    public var to: Int?
    /// For `status`: the scope to check on every node.
    public var scope: String?

    /// A request.
    public init(command: String, groups: [[Int]]? = nil, node: Int? = nil, from: Int? = nil, to: Int? = nil, scope: String? = nil) {
        self.command = command
        self.groups = groups
        self.node = node
        self.from = from
        self.to = to
        self.scope = scope
    }

    /// The request for a fault action.
    public init(_ action: FaultAction) {
        switch action {
        case .partition(let groups): self.init(command: "partition", groups: groups)
        case .isolate(let n): self.init(command: "isolate", node: n)
        case .cut(let from, let to): self.init(command: "cut", from: from, to: to)
        case .heal: self.init(command: "heal")
        case .kill(let n): self.init(command: "kill", node: n)
        case .stop(let n): self.init(command: "stop", node: n)
        case .cont(let n): self.init(command: "cont", node: n)
        case .restart(let n): self.init(command: "restart", node: n)
        }
    }

    /// The fault action it asks for; nil for `status` and `down`.
    func action() throws -> FaultAction? {
        func need<T>(_ value: T?, _ name: String) throws -> T {
            guard let value else { throw HarnessError(.usage, "\(command) needs \(name)") }
            return value
        }
        switch command {
        case "partition": return .partition(try need(groups, "groups"))
        case "isolate": return .isolate(try need(node, "node"))
        case "cut": return .cut(from: try need(from, "from"), to: try need(to, "to"))
        case "heal": return .heal
        case "kill": return .kill(try need(node, "node"))
        case "stop": return .stop(try need(node, "node"))
        case "cont": return .cont(try need(node, "node"))
        case "restart": return .restart(try need(node, "node"))
        case "status", "down": return nil
        default: throw HarnessError(.usage, "unknown command \(command)")
        }
    }
}
