import ArgumentParser
import BrakeHarness

/// Sends one fault action to the supervisor and prints what it did and the federation after it.
func sendAction(_ action: FaultAction, _ options: FederationOptions) async throws {
    try await reporting {
        let reply = try await ControlClient(directory: options.directory).send(ControlRequest(action))
        if options.json {
            printJSON(reply)
        } else {
            print("done: \(reply.done ?? action.description)")
            if let report = reply.report { print(ReportTable.render(report)) }
        }
    }
}

struct Partition: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Split the nodes into groups: links between groups are cut both ways, links inside a group healed.",
        discussion: "brake-harness partition 1,2/3,4,5 — a node named in no group is alone."
    )
    @Argument(help: "Groups of node numbers, e.g. 1,2/3,4,5.")
    var groups: String
    @OptionGroup var options: FederationOptions

    func run() async throws {
        let parsed: [[Int]]
        do { parsed = try FaultAction.parseGroups(groups) } catch {
            try await reporting { throw error }
            return
        }
        try await sendAction(.partition(parsed), options)
    }
}

struct Isolate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Cut every link to and from one node.")
    @Argument(help: "The node number.")
    var node: Int
    @OptionGroup var options: FederationOptions

    func run() async throws { try await sendAction(.isolate(node), options) }
}

struct Cut: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cut one direction of one link: FROM's messages no longer reach TO (TO's still reach FROM).",
        discussion: "brake-harness cut 1>2 (quote it in a shell: '1>2')."
    )
    @Argument(help: "FROM>TO, e.g. 1>2.")
    var link: String
    @OptionGroup var options: FederationOptions

    func run() async throws {
        var parsed = (from: 0, to: 0)
        do { parsed = try FaultAction.parseLink(link) } catch {
            try await reporting { throw error }
            return
        }
        try await sendAction(.cut(from: parsed.from, to: parsed.to), options)
    }
}

struct Heal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Heal every link (nodes reconnect by themselves).")
    @OptionGroup var options: FederationOptions

    func run() async throws { try await sendAction(.heal, options) }
}

struct Kill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "SIGKILL one node (start it again with restart).")
    @Argument(help: "The node number.")
    var node: Int
    @OptionGroup var options: FederationOptions

    func run() async throws { try await sendAction(.kill(node), options) }
}

struct Stop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "SIGSTOP one node: it keeps its sockets but runs nothing.")
    @Argument(help: "The node number.")
    var node: Int
    @OptionGroup var options: FederationOptions

    func run() async throws { try await sendAction(.stop(node), options) }
}

struct Cont: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "SIGCONT a stopped node.")
    @Argument(help: "The node number.")
    var node: Int
    @OptionGroup var options: FederationOptions

    func run() async throws { try await sendAction(.cont(node), options) }
}

struct Restart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start a killed node again, or stop (SIGTERM) and start a running one, on its data directory.")
    @Argument(help: "The node number.")
    var node: Int
    @OptionGroup var options: FederationOptions

    func run() async throws { try await sendAction(.restart(node), options) }
}
