import ArgumentParser
import BrakeCore
import BrakeFiles
import Foundation

extension CharterCommand {
    /// `brakectl charter propose-amendment`: the next charter, built from the one in force, shown as
    /// a difference, then signed by the proposer and submitted as an amendment.
    struct ProposeAmendment: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "propose-amendment",
            abstract: "Propose the next charter: show what changes, sign as the proposer, submit.",
            discussion: """
                The next charter is the one in force with the changes given, e.g.
                  brakectl charter propose-amendment --add-party "lab-c:Lab C:lab:lab-c.key.pub" \\
                    --add-node node-4/node.pub.json --reason "Lab C joins" --key lab-a.key
                  brakectl charter propose-amendment --remove-node node-2 --reason "..." --key lab-a.key
                  brakectl charter propose-amendment --add-key lab-a:new.key.pub --remove-key lab-a:OLD-KEYID ...
                or the complete next charter with --from-file. The difference to the charter in force is
                shown before anything is signed (--yes skips the question). Other parties co-sign with
                `brakectl sign AMENDMENT-ID`; every key the next charter adds must sign it too (proof of
                possession), and a party whose keys change must sign it itself. It takes effect at the
                entry where the charter's amend policy is met.
                """)

        @Option(name: .customLong("add-party"), help: "ID:NAME:CLASS:PUBLIC-KEY-FILE[,FILE...] of a party that joins. Repeatable.")
        var addParty: [String] = []
        @Option(name: .customLong("remove-party"), help: "The id of a party that leaves. Repeatable.")
        var removeParty: [String] = []
        @Option(name: .customLong("add-key"), help: "PARTY:PUBLIC-KEY-FILE, a key added to a party (rotation: add the new, remove the old). Repeatable.")
        var addKey: [String] = []
        @Option(name: .customLong("remove-key"), help: "PARTY:KEYID or PARTY:PUBLIC-KEY-FILE, a key removed (revoked from then on). Repeatable.")
        var removeKey: [String] = []
        @Option(name: .customLong("add-node"), help: "A new node's node.pub.json (from `brakectl node init`). Repeatable.")
        var addNode: [String] = []
        @Option(name: .customLong("update-node"), help: "A node.pub.json replacing the entry of the node with its id (new address or keys). Repeatable.")
        var updateNode: [String] = []
        @Option(name: .customLong("remove-node"), help: "The id of a node that leaves. Repeatable.")
        var removeNode: [String] = []
        @Option(name: .long, help: "New trigger policy, K:CLASS clauses joined by commas.")
        var trigger: String?
        @Option(name: .long, help: "New lift policy.")
        var lift: String?
        @Option(name: .long, help: "New amendment policy.")
        var amend: String?
        @Option(name: .customLong("motion-lifetime"), help: "New longest motion lifetime (e.g. 7d).")
        var motionLifetime: String?
        @Option(name: .customLong("attestation-interval"), help: "New attestation interval (e.g. 1d).")
        var attestationInterval: String?
        @Option(name: .long, help: "New pause sunset (e.g. 30d), or none.")
        var sunset: String?
        @Option(name: .customLong("max-clock-skew"), help: "New clock skew bound (1s to 1h).")
        var maxClockSkew: String?
        @Option(name: .customLong("max-pending"), help: "New censorship bound (1s to 1d), or default.")
        var maxPending: String?
        @Option(name: .customLong("from-file"), help: "The complete next charter: a charter envelope or payload JSON file.")
        var fromFile: String?
        @Option(name: .long, help: "Why: recorded in the signed amendment.")
        var reason: String
        @Option(name: .long, help: "The proposer's private key file.")
        var key: String
        @Option(name: .long, help: "How long it stays open for signatures (default: 7d, or the charter's motion lifetime if shorter).")
        var expires: String?
        @Flag(name: .long, help: "Sign and submit without asking.")
        var yes = false
        @OptionGroup var node: NodeOptions
        @Flag(name: .long, help: "Print the node's answer as JSON (the difference goes to stderr).")
        var json = false

        var draft: AmendmentDraft {
            AmendmentDraft(
                addParty: addParty, removeParty: removeParty, addKey: addKey, removeKey: removeKey, addNode: addNode,
                updateNode: updateNode, removeNode: removeNode, trigger: trigger, lift: lift, amend: amend,
                motionLifetime: motionLifetime, attestationInterval: attestationInterval, sunset: sunset,
                maxClockSkew: maxClockSkew, maxPending: maxPending, fromFile: fromFile)
        }

        func run() async throws {
            try await runReporting {
                let client = try node.client()
                let signer = try loadKey(key)
                guard let party = signer.party else { throw CLIError(.usage, "the key file \(key) names no party") }
                let current = try ServedCharter(try await client.get("/v1/charter").object ?? [:]).charter
                let next = try draft.nextCharter(from: current)
                let lifetime = try lifetimeMillis(under: current)
                let now = Int64(Date().timeIntervalSince1970) * 1000
                let amendment = Amendment(
                    federation: current.federation, amends: current.id, charter: next, proposer: party, reason: reason,
                    created: now, expires: now + lifetime, nonce: randomNonce())
                let shown = ["amendment of charter \(current.id) proposed by \(DisplayText.escaped(party)):"]
                    + CharterDifference(from: current, to: next).lines.map { "  " + $0 }
                    + ["next charter \(next.id)", "reason: \(DisplayText.quoted(reason))"]
                try confirm(shown, question: "Sign and submit this amendment as \(DisplayText.escaped(party))?", yes: yes, toStderr: json)
                let envelope = amendment.unsignedEnvelope().signed(with: signer.key)
                try await submit(envelope, to: client, json: json)
                if !json { print("other parties co-sign with: brakectl sign \(motionID(payload: envelope.payload)) --key PARTY.key") }
            }
        }

        private func lifetimeMillis(under charter: Charter) throws(CLIError) -> Int64 {
            let longest = charter.motionLifetimeSeconds * 1000
            guard let expires else { return min(7 * 86_400_000, longest) }
            guard let millis = DurationText.millis(expires), millis > 0 else {
                throw CLIError(.usage, "--expires \(expires) is not a duration like 12h or 7d")
            }
            return Int64(millis)
        }
    }
}

/// Shows `lines`, then asks `question` unless `yes`; anything but y or yes (or no answer at all,
/// as from a closed stdin) refuses (`not_confirmed`, exit 64) with nothing signed.
func confirm(_ lines: [String], question: String, yes: Bool, toStderr: Bool) throws(CLIError) {
    display(lines, toStderr: toStderr)
    guard !yes else { return }
    FileHandle.standardError.write(Data("\(question) [y/N] ".utf8))
    let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
    guard answer == "y" || answer == "yes" else {
        throw CLIError(.usage, "not confirmed; nothing was signed (pass --yes to skip the question)", code: "not_confirmed")
    }
}

/// Prints `lines` to stdout, or to stderr when stdout carries JSON.
func display(_ lines: [String], toStderr: Bool) {
    let text = lines.joined(separator: "\n") + "\n"
    if toStderr { FileHandle.standardError.write(Data(text.utf8)) } else { print(text, terminator: "") }
}
