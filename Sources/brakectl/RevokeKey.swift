import ArgumentParser
import BrakeCore
import BrakeFiles
import Foundation

/// `brakectl revoke-key KEY... --key KEPT.key`: a party withdraws some of its own keys, at once.
///
/// A revocation needs no other party: it only removes power. It is signed with a key the party
/// keeps, and takes effect at the entry that commits it; from then on a signature by a revoked key
/// is refused (`revoked_key`), while the signatures it made before stay in history.
struct RevokeKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke-key",
        abstract: "Revoke keys of your own party now, signed with a key you keep (no other party needed).",
        discussion: """
            brakectl revoke-key lab-a-old.key.pub --key lab-a-new.key --reason "laptop stolen"
            brakectl revoke-key 3f2a...(64 hex key id) --key lab-a-new.key --reason "..."
            The party must keep at least one key. To add a key, propose an amendment (--add-key).
            """)

    @Argument(help: "Each key to revoke: a public key file, or its key id (64 hex, as `brakectl charter show` lists it).")
    var keys: [String]
    @Option(name: .long, help: "A private key file of the same party that stays valid; it signs the revocation.")
    var key: String
    @Option(name: .long, help: "Why: recorded in the signed revocation.")
    var reason: String
    @Flag(name: .long, help: "Sign and submit without asking.")
    var yes = false
    @OptionGroup var node: NodeOptions
    @Flag(name: .long, help: "Print the node's answer as JSON.")
    var json = false

    func run() async throws {
        try await runReporting {
            let client = try node.client()
            let signer = try loadKey(key)
            let current = try ServedCharter(try await client.get("/v1/charter").object ?? [:]).charter
            guard let party = current.party(owning: signer.key.publicKey) else {
                throw CLIError(.refused, "the key in \(key) is no key of the charter in force (revoked already, or another federation's)", code: "unknown_key")
            }
            var revoked: [PublicKey] = []
            for text in keys {
                let found: PublicKey
                if let byID = party.keys.first(where: { $0.keyID == text }) {
                    found = byID
                } else {
                    found = try AmendmentDraft.publicKey(text)
                }
                guard party.keys.contains(found) else {
                    throw CLIError(.usage, "\(text): key \(found.keyID) is not a key of party \(party.id); a party revokes only its own keys")
                }
                guard found != signer.key.publicKey else {
                    throw CLIError(.usage, "\(text) is the key that signs the revocation; sign with a key the party keeps")
                }
                if !revoked.contains(found) { revoked.append(found) }
            }
            guard !revoked.isEmpty else { throw CLIError(.usage, "name at least one key to revoke") }
            let revocation = Revocation(
                federation: current.federation, party: party.id, keys: revoked, reason: reason,
                created: Int64(Date().timeIntervalSince1970) * 1000, nonce: randomNonce())
            let lines = ["revocation by \(DisplayText.escaped(party.id)), effective at the entry that commits it:"]
                + revoked.map { "  - key \($0.keyID) of party \(DisplayText.escaped(party.id)) (revoked from then on)" }
                + ["reason: \(DisplayText.quoted(reason))"]
            try confirm(lines, question: "Sign and submit this revocation?", yes: yes, toStderr: json)
            try await submit(revocation.unsignedEnvelope().signed(with: signer.key), to: client, json: json)
        }
    }
}
