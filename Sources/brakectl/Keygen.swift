import ArgumentParser
import BrakeCore
import BrakeFiles
import Foundation

/// `brakectl keygen`: a new Ed25519 party key, written 0600.
struct Keygen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate an Ed25519 signing key for a party.",
        discussion: "Writes the private key file (mode 0600) and, beside it, FILE.pub with the public key."
    )

    @Option(name: .long, help: "The party id the key belongs to.")
    var party: String

    @Option(name: .long, help: "Where to write the private key file.")
    var out: String

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        try await runReporting {
            let key = try SigningKey(seed: SystemRandom.bytes(32))
            do throws(FileError) {
                try KeyFiles.write(KeyFile.privateFile(party: party, key: key), to: out)
                try KeyFiles.write(KeyFile(party: party, publicKey: key.publicKey), to: out + ".pub")
            } catch {
                throw CLIError(.file, error.message, code: error.code)
            }
            if json {
                printJSON(["party": party, "public": key.publicKey.base64, "keyid": key.publicKey.keyID, "file": out])
            } else {
                print("wrote \(out) (private, 0600) and \(out).pub")
                print("party:  \(party)")
                print("public: \(key.publicKey.base64)")
                print("keyid:  \(key.publicKey.keyID)")
            }
        }
    }
}
