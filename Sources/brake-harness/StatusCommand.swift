import ArgumentParser
import BrakeHarness
import Foundation

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Each node's process state, role, term, commit and applied index, freshness, and its verdict for a scope."
    )
    @Option(name: .long, help: "A scope to check on every node, e.g. training/frontier.")
    var scope: String?
    @OptionGroup var options: FederationOptions

    func run() async throws {
        try await reporting {
            let reply = try await ControlClient(directory: options.directory).send(ControlRequest(command: "status", scope: scope))
            if options.json {
                printJSON(reply.report)
            } else if let report = reply.report {
                print(ReportTable.render(report))
            }
        }
    }
}
