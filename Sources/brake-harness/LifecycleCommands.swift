import ArgumentParser
import BrakeHarness
import Foundation

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the supervisor in the foreground (up starts it in the background): it owns the nodes and proxies of --dir."
    )
    @OptionGroup var options: FederationOptions

    func run() async throws {
        try await reporting { try await Supervisor.serve(directory: options.directory) }
    }
}

struct Down: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop every node, proxy and the supervisor. Files stay unless --remove.")
    @Flag(name: .long, help: "Also delete the federation directory.")
    var remove = false
    @OptionGroup var options: FederationOptions

    func run() async throws {
        try await reporting {
            let client = try ControlClient(directory: options.directory)
            _ = try await client.send(ControlRequest(command: "down"))
            // The supervisor answers, then stops everything, then removes its pid file and its
            // socket: wait until both are gone.
            let pidFile = (options.directory as NSString).appendingPathComponent("supervisor.pid")
            try await Deadline.waitUntil("the supervisor to stop", timeout: .seconds(30), poll: .milliseconds(100)) {
                !FileManager.default.fileExists(atPath: client.socket) && !FileManager.default.fileExists(atPath: pidFile)
            }
            if remove { try FileManager.default.removeItem(atPath: options.directory) }
            if options.json {
                printJSON(["down": options.directory, "removed": remove ? "yes" : "no"])
            } else {
                print("down: \(options.directory)\(remove ? " (removed)" : "; files kept")")
            }
        }
    }
}

import Foundation
