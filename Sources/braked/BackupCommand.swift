import ArgumentParser
import BrakeNode
import Foundation

/// `braked backup --out FILE`: a consistent copy of a node's store, taken while the node runs.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a node's store (LMDB) into one file, consistently, while the node runs.",
        discussion: """
            Give the node as for braked itself: braked --config FILE backup --out BACKUP, or \
            braked --data-dir DIR backup --out BACKUP. Run it as the user the node runs as. The copy is \
            compacted and holds the state after one commit; it never overwrites a file. It does not take \
            the data directory's lock: a backup only reads, through LMDB's own reader table, and the node \
            goes on writing meanwhile.
            """
    )

    @ParentCommand var node: Braked

    @Option(name: .long, help: "The backup file to create (it must not exist).")
    var out: String

    @Flag(name: .long, help: "Print what the backup holds as JSON.")
    var json = false

    func run() throws {
        let dataDirectory = try StoreCommandSupport.dataDirectory(of: node, verb: "backup")
        do {
            let summary = try NodeBackup.backup(dataDirectory: dataDirectory, to: out)
            StoreCommandSupport.report(summary, json: json, text: "backup of \(dataDirectory) written to \(out)", file: out)
        } catch {
            FileHandle.standardError.write(Data("braked backup: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// What `backup` and `restore` share: which data directory they act on, and how they report.
enum StoreCommandSupport {
    /// The data directory named by `--data-dir DIR` or by the config file of `--config FILE`, exactly one.
    static func dataDirectory(of node: Braked, verb: String) throws -> String {
        if node.dev { throw ValidationError("\(verb) takes --config FILE or --data-dir DIR, not --dev") }
        switch (node.config, node.dataDir) {
        case (let config?, nil):
            do {
                return try NodeConfiguration.load(path: config).dataDirectory
            } catch {
                FileHandle.standardError.write(Data("braked \(verb): \(error)\n".utf8))
                throw ExitCode(78)
            }
        case (nil, let directory?):
            return directory
        default:
            throw ValidationError("\(verb) needs the data directory: give exactly one of --config FILE or --data-dir DIR")
        }
    }

    /// Prints a summary as one line of text or as JSON.
    static func report(_ summary: NodeBackup.Summary, json: Bool, text: String, file: String) {
        if json {
            let object: [String: Any] = [
                "file": file, "appliedIndex": summary.appliedIndex, "lastIndex": summary.lastIndex, "term": summary.term,
                "commitIndex": summary.commitIndex, "logEntries": summary.logEntries, "registryRows": summary.registryRows,
                "bytes": summary.bytes,
            ]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(
                "\(text): applied index \(summary.appliedIndex), log through \(summary.lastIndex) (term \(summary.term)), "
                    + "\(summary.registryRows) registry rows, \(summary.bytes) bytes")
        }
    }
}
