import ArgumentParser
import BrakeCore
import BrakeFiles
import Foundation

/// `brakectl node init`: a node's identity (TLS key and certificate, checkpoint key) and the public
/// entry its party puts in the charter.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Make a node's identity.",
        subcommands: [Init.self]
    )

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Make a node's TLS key, self-signed certificate and checkpoint key, and print its charter entry.",
            discussion: """
                Writes, in a new directory (mode 0700): tls.key (P-256, PEM, 0600), tls.crt (self-signed), \
                checkpoint.key (Ed25519, 0600) and node.pub.json, the node's public charter entry with the \
                pin of its TLS key. Run it on the node's machine; the private keys never leave it. Hand \
                node.pub.json to whoever drafts the charter: brakectl charter init --node-file DIR/node.pub.json. \
                An existing identity is never overwritten.
                """
        )

        @Option(name: .long, help: "The identity directory to create.")
        var dir: String
        @Option(name: .long, help: "The node id, as the charter will name it.")
        var id: String
        @Option(name: .long, help: "The party that operates the node.")
        var party: String
        @Option(name: .long, help: "The peer address other nodes dial, HOST:PORT.")
        var address: String
        @Flag(name: .long, help: "Print the node's charter entry as JSON.")
        var json = false

        func run() async throws {
            try await runReporting {
                let identity: NodeIdentity
                do throws(FileError) {
                    identity = try NodeIdentity.create(directory: dir, id: id, party: party, address: address)
                } catch {
                    let kind: CLIError.Kind = error.code == BrakeError.Code.invalidCharter.rawValue ? .usage : .file
                    throw CLIError(kind, error.message, code: error.code)
                }
                let entry = identity.entry
                if json {
                    printJSON(entry.jsonBytes())
                } else {
                    print("wrote the identity of node \(entry.id) in \(dir):")
                    print("  \(NodeIdentity.tlsKeyFileName) (private, 0600), \(NodeIdentity.certificateFileName), "
                        + "\(NodeIdentity.checkpointKeyFileName) (private, 0600), \(NodeIdentity.entryFileName)")
                    print("node:           \(entry.id) of \(entry.party) at \(entry.address)")
                    print("tls pin:        \(entry.tlsPin)")
                    print("checkpoint key: \(entry.checkpointKey.base64)")
                    print("charter entry:  brakectl charter init ... --node-file \(identity.path(NodeIdentity.entryFileName))")
                }
            }
        }
    }
}
