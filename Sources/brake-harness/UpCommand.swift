import ArgumentParser
import BrakeHarness
import Foundation

struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a federation of N parties and nodes in --dir and start it behind proxies, with a background supervisor.",
        discussion: """
            Makes keys (D/keys), node identities, a charter signed by every party, one braked config per node,
            D/harness.json, then starts `brake-harness serve --dir D` in the background (log: D/harness.log),
            which starts one proxy per directed link and the N braked processes. Stop it all with down.
            """
    )
    @Option(name: .long, help: "How many nodes (and parties), 1...9.")
    var nodes = 3
    @Option(name: .customLong("tick-millis"), help: "Raft tick length written into each config.")
    var tickMillis = 50
    @Option(name: .customLong("snapshot-interval"), help: "Entries between snapshots written into each config.")
    var snapshotInterval = 10_000
    @Option(name: .customLong("leader-timeout"), help: "Seconds to wait for a leader before printing the layout anyway.")
    var leaderTimeout = 30
    @OptionGroup var options: FederationOptions

    struct Output: Encodable {
        var layout: FederationLayout
        var supervisorPid: Int32
        var leader: String?
        var report: FederationReport?
    }

    func run() async throws {
        try await reporting {
            var timing = NodeTiming()
            timing.tickMillis = tickMillis
            timing.snapshotInterval = snapshotInterval
            let layout = try await FederationMaker(plan: FederationPlan(nodeCount: nodes), directory: options.directory, timing: timing).make()
            // The supervisor is this same executable, wherever it was run from.
            let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? (ToolRunner.binDirectory as NSString).appendingPathComponent("brake-harness")
            let pid = try SupervisorLauncher.launch(executable: executable, directory: layout.directory, log: layout.supervisorLog)
            let client = ControlClient(socket: layout.controlSocket)
            try await Deadline.waitUntil("the supervisor's control socket (see \(layout.supervisorLog))", timeout: .seconds(60), poll: .milliseconds(100)) {
                if SupervisorLauncher.hasExited(pid) {
                    let log = (try? String(contentsOfFile: layout.supervisorLog, encoding: .utf8)) ?? ""
                    throw HarnessError(.supervisor, "the supervisor exited; its log \(layout.supervisorLog) ends:\n\(log.suffix(2_000))")
                }
                return (try? await client.send(ControlRequest(command: "status"), timeout: .seconds(5))) != nil
            }
            var leader: String?
            var report: FederationReport?
            let deadline = ContinuousClock.now + .seconds(leaderTimeout)
            while ContinuousClock.now < deadline {
                report = try await client.send(ControlRequest(command: "status")).report
                if let found = report?.nodes.first(where: { $0.status?.role == "leader" }) {
                    leader = found.id
                    break
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            if options.json {
                printJSON(Output(layout: layout, supervisorPid: pid, leader: leader, report: report))
            } else {
                print(LayoutText.render(layout, supervisorPid: pid, leader: leader, leaderTimeout: leaderTimeout))
            }
        }
    }
}

/// `up`'s human output: what was made, where, and what to try next.
enum LayoutText {
    static func render(_ layout: FederationLayout, supervisorPid: Int32, leader: String?, leaderTimeout: Int) -> String {
        var lines = ["federation \(layout.federation): \(layout.nodes.count) nodes in \(layout.directory)"]
        lines.append("charter: \(layout.charter)")
        lines.append("policies: trigger \(layout.policies.trigger) (\(layout.policies.triggerSummary))")
        lines.append("          lift    \(layout.policies.lift) (\(layout.policies.liftSummary))")
        lines.append("          amend   \(layout.policies.amend) (\(layout.policies.amendSummary))")
        lines.append("")
        for node in layout.nodes {
            lines.append("node \(node.number): \(node.id), party \(node.party)")
            lines.append("  socket:     \(node.socket)")
            lines.append("  peer addr:  \(node.listen)   data: \(node.dataDir)")
            lines.append("  config:     \(node.config)   log: \(node.log)")
        }
        lines.append("")
        lines.append("party keys:")
        for party in layout.parties {
            lines.append("  \(party.id) (\(party.partyClass)): \(party.key)   public: \(party.publicKey)")
        }
        lines.append("")
        lines.append("supervisor: pid \(supervisorPid), control \(layout.controlSocket), log \(layout.supervisorLog)")
        lines.append(leader.map { "leader: \($0)" } ?? "no leader after \(leaderTimeout) s; see brake-harness status --dir \(layout.directory) and the node logs")
        lines.append("")
        lines.append("try:")
        lines.append("  export BRAKE_SOCKET=\(layout.nodes[0].socket)")
        lines.append("  brakectl propose trigger training --reason test --key \(layout.parties[0].key)")
        lines.append("  brake-harness status --scope training --dir \(layout.directory)")
        lines.append("  brake-harness down --dir \(layout.directory)")
        return lines.joined(separator: "\n")
    }
}
