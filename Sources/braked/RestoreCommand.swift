import ArgumentParser
import BrakeFiles
import BrakeNode
import Foundation

/// `braked restore --from FILE`: a backup made by `braked backup` into a new data directory.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into a new, empty data directory.",
        discussion: """
            braked --data-dir NEW restore --from BACKUP, or braked --config FILE restore --from BACKUP for the \
            data directory a config names. The directory must not exist or be empty: a restore never mixes a \
            backup with a store already there. The backup is checked before anything is written, and the \
            restored store is opened as a node would open it. Then start the node on that directory. In a \
            federation of several nodes, read the operator guide first: a restored node has lost what it \
            wrote after the backup, and counts as down until it has caught up.
            """
    )

    @ParentCommand var node: Braked

    @Option(name: .long, help: "The backup file, as braked backup wrote it.")
    var from: String

    @Flag(name: .long, help: "Print what the backup held as JSON.")
    var json = false

    func run() throws {
        let dataDirectory = try StoreCommandSupport.dataDirectory(of: node, verb: "restore")
        do {
            // The same rule as the node's: this user's directory, not writable by group or others.
            try DataDirectory.prepare(dataDirectory)
            let summary = try NodeBackup.restore(from: from, into: dataDirectory)
            StoreCommandSupport.report(summary, json: json, text: "restored \(from) into \(dataDirectory)", file: from)
        } catch {
            FileHandle.standardError.write(Data("braked restore: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
