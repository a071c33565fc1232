import ArgumentParser
import BrakeCore
import BrakeFiles
import Foundation

/// `brakectl charter init|sign|verify|show|history|propose-amendment`: the federation's charter,
/// from genesis through its amendments.
struct CharterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "charter",
        abstract: "Create, sign and verify a charter; show it, its history, and propose amendments.",
        subcommands: [Init.self, SignCharter.self, Verify.self, Show.self, History.self, ProposeAmendment.self]
    )

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Write a new, unsigned charter envelope.",
            discussion: """
                Example: brakectl charter init --federation acme-pact \\
                  --party "lab-a:Lab A:lab:keys/lab-a.key.pub" --party "gov-a:Gov A:government:keys/gov-a.key.pub" \\
                  --node-file node-1/node.pub.json --trigger 2:any --lift 2:any,1:government --amend 2:any \\
                  --out charter.dsse.json
                Each node's operator first runs `brakectl node init --dir DIR --id ID --party P --address HOST:PORT` \
                on the node's machine and hands over DIR/node.pub.json, which carries the pins of its keys.
                Then every party runs `brakectl charter sign charter.dsse.json --key ...` once for each of its
                keys: a charter is valid only when every key it lists has signed it.
                """
        )

        @Option(name: .long, help: "The federation id (the log's origin line).")
        var federation: String
        @Option(name: .long, help: "ID:NAME:CLASS:PUBLIC-KEY-FILE, class lab, government or observer. Repeat per party; a party with several keys lists several files separated by commas.")
        var party: [String]
        @Option(name: .customLong("node-file"), help: "A node's public entry, node.pub.json from `brakectl node init`. Repeat per node.")
        var nodeFile: [String] = []
        // The old `--node ID:PARTY:HOST:PORT` cannot carry the pins a node entry needs; it stays only
        // to say what replaced it.
        @Option(name: .long, help: .hidden)
        var node: [String] = []
        @Option(name: .long, help: "Trigger policy: K:CLASS clauses joined by commas, e.g. 2:any,1:government.")
        var trigger: String
        @Option(name: .long, help: "Lift policy, same form.")
        var lift: String
        @Option(name: .long, help: "Amendment policy, same form.")
        var amend: String
        @Option(name: .customLong("motion-lifetime"), help: "Longest lifetime of a motion (e.g. 7d).")
        var motionLifetime = "7d"
        @Option(name: .customLong("attestation-interval"), help: "How often parties attest while a pause holds (e.g. 1d).")
        var attestationInterval = "1d"
        @Option(name: .long, help: "Optional sunset: a pause ends by itself this long after it took effect.")
        var sunset: String?
        @Option(
            name: .customLong("max-clock-skew"),
            help: "How far an entry's time may run ahead of a follower's clock, and a motion's created ahead of its entry (1s to 1h, e.g. 5m).")
        var maxClockSkew = "5m"
        @Option(
            name: .customLong("max-pending"),
            help: "Optional: how long a valid declaration may wait uncommitted under a heartbeating leader before nodes raise a censorship alarm (1s to 1d; default 2m, Specs/gossip.md).")
        var maxPending: String?
        @Option(name: .long, help: "Where to write the envelope.")
        var out: String

        func run() async throws {
            try await runReporting {
                if let old = node.first {
                    throw CLIError(.usage, """
                        --node \(old): a node entry needs the pins of the node's TLS key and checkpoint key, \
                        which --node cannot carry; run `brakectl node init --dir DIR --id ID --party P --address HOST:PORT` \
                        for the node and pass --node-file DIR/node.pub.json instead
                        """)
                }
                let payload = try CharterDraft(
                    federation: federation, parties: party, nodeFiles: nodeFile, trigger: trigger, lift: lift, amend: amend,
                    motionLifetime: motionLifetime, attestationInterval: attestationInterval, sunset: sunset,
                    maxClockSkew: maxClockSkew, maxPending: maxPending
                ).payload()
                let charter: Charter
                do throws(BrakeError) { charter = try Charter.parse(payload: payload) } catch {
                    throw CLIError(.refused, error.message, code: error.code.rawValue)
                }
                let envelope = Envelope(payloadType: Charter.payloadType, payload: charter.payloadBytes())
                do throws(FileError) { try FileBytes.create(out, bytes: envelope.jsonBytes() + Array("\n".utf8), mode: 0o644) } catch {
                    throw CLIError(.file, error.message, code: error.code)
                }
                print("wrote \(out): charter \(charter.id) of federation \(charter.federation), unsigned")
                print("each party now signs it: brakectl charter sign \(out) --key PARTY.key")
            }
        }
    }

    struct SignCharter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "sign", abstract: "Add your key's signature to a charter envelope (every listed key must sign).")

        @Argument(help: "The charter envelope file; it is updated in place.")
        var file: String
        @Option(name: .long, help: "Your private key file.")
        var key: String

        func run() async throws {
            try await runReporting {
                let envelope = try readEnvelope(file)
                guard envelope.payloadType == Charter.payloadType else {
                    throw CLIError(.refused, "\(file) is a \(envelope.payloadType), not a charter", code: "wrong_payload_type")
                }
                let charter: Charter
                do throws(BrakeError) { charter = try Charter.parse(payload: envelope.payload) } catch {
                    throw CLIError(.refused, error.message, code: error.code.rawValue)
                }
                let signer = try loadKey(key)
                guard let party = charter.party(owning: signer.key.publicKey) else {
                    throw CLIError(.refused, "the key in \(key) belongs to no party of this charter", code: "unknown_key")
                }
                // Each key signs a charter once (a second signature is `duplicate_signature`): signing
                // again with a key that already signed changes nothing.
                let pae = envelope.pae
                if envelope.signatures.contains(where: { signer.key.publicKey.isValidSignature($0.sig, for: pae) }) {
                    print("charter \(charter.id) is already signed with this key of \(party.id)")
                    return
                }
                let signed = envelope.signed(with: signer.key)
                do throws(FileError) { try FileBytes.replace(file, bytes: signed.jsonBytes() + Array("\n".utf8)) } catch {
                    throw CLIError(.file, error.message, code: error.code)
                }
                print("signed charter \(charter.id) as \(party.id)")
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check a charter: well formed, valid, signed by every founding party.")

        @Argument(help: "The charter envelope file.")
        var file: String
        @Flag(name: .long, help: "Print JSON.")
        var json = false

        func run() async throws {
            try await runReporting {
                let envelope = try readEnvelope(file)
                let charter: Charter
                do throws(BrakeError) { charter = try Charter.verify(envelope) } catch {
                    throw CLIError(.refused, error.message, code: error.code.rawValue)
                }
                if json {
                    printJSON(["valid": true, "id": charter.id, "federation": charter.federation])
                } else {
                    print("valid charter \(charter.id)")
                    print("federation: \(charter.federation)")
                    for party in charter.parties { print("party \(party.id) (\(party.partyClass.rawValue)): \(party.name), \(party.keys.count) key(s)") }
                    for node in charter.nodes {
                        print("node \(node.id) of \(node.party) at \(node.address), tls pin \(node.tlsPin), checkpoint key \(node.checkpointKey.base64)")
                    }
                    print("trigger: \(charter.trigger.summary)")
                    print("lift:    \(charter.lift.summary)")
                    print("amend:   \(charter.amend.summary)")
                }
            }
        }
    }
}

/// Reads a DSSE envelope file.
func readEnvelope(_ path: String) throws(CLIError) -> Envelope {
    let bytes: [UInt8]
    do throws(FileError) { bytes = try FileBytes.read(path) } catch { throw CLIError(.file, error.message, code: error.code) }
    do throws(BrakeError) { return try Envelope(json: bytes) } catch {
        throw CLIError(.refused, "\(path): \(error.message)", code: error.code.rawValue)
    }
}

/// Reads a private key file, refusing one readable by group or others.
func loadKey(_ path: String) throws(CLIError) -> (party: String?, key: SigningKey) {
    do throws(FileError) { return try KeyFiles.signingKey(at: path) } catch {
        throw CLIError(error.code == "insecure_key_file" ? .insecure : .file, error.message, code: error.code)
    }
}
