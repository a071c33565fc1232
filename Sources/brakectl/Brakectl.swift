import ArgumentParser
import Foundation

/// `brakectl`: keys, charters, signing, submitting and asking a Brake node.
@main
struct Brakectl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "brakectl",
        abstract: "Sign declarations and ask a Brake node whether a scope is paused.",
        discussion: """
            The node is chosen by --socket or BRAKE_SOCKET. `brakectl check SCOPE` exits 0 when the \
            scope is clear, 1 when paused, 2 when the node cannot tell (unknown), 64 and above on errors.
            """,
        subcommands: [
            Keygen.self, NodeCommand.self, CharterCommand.self, Propose.self, Sign.self, RevokeKey.self, Attest.self,
            Status.self, Check.self, Motions.self, Pauses.self, ComplianceCommand.self, Watch.self, Log.self, ProofCommand.self,
            CheckpointCommand.self, Evidence.self, Export.self, Verify.self,
        ]
    )
}

/// Options shared by every command that talks to a node.
struct NodeOptions: ParsableArguments {
    @Option(name: .long, help: "The node's Unix socket (default: $BRAKE_SOCKET).")
    var socket: String?

    /// The client for the chosen node.
    func client() throws(CLIError) -> NodeClient {
        guard let path = socket ?? ProcessInfo.processInfo.environment["BRAKE_SOCKET"], !path.isEmpty else {
            throw CLIError(.usage, "no node socket: pass --socket PATH or set BRAKE_SOCKET")
        }
        return NodeClient(socketPath: path)
    }
}
