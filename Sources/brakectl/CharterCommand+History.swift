import ArgumentParser
import BrakeCore
import Foundation

/// A charter as the node serves it, parsed from its exact payload bytes: the charter itself, the
/// entry from which it judges (0 for genesis) and the amendment or revocation that made it.
struct ServedCharter {
    var charter: Charter
    var since: UInt64
    var cause: String?
    var causeKind: String?

    /// Parses a `GET /v1/charter` reply, or one item of `GET /v1/charter/history`. The payload must
    /// hash to the id the node states, so nothing shown is the node's word alone.
    init(_ object: [String: Any]) throws(CLIError) {
        guard let encoded = object["payload"] as? String, let data = Data(base64Encoded: encoded) else {
            throw CLIError(.unavailable, "the node served a charter without its payload (an older braked?)", code: "invalid_reply")
        }
        do throws(BrakeError) { charter = try Charter.parse(payload: Array(data)) } catch {
            throw CLIError(.unavailable, "the node served a charter that does not parse: \(error.message)", code: error.code.rawValue)
        }
        guard object["id"] as? String == charter.id else {
            throw CLIError(.unavailable, "the node says charter \(object["id"] ?? "?") but served charter \(charter.id)", code: "payload_mismatch")
        }
        since = (object["since"] as? NSNumber)?.uint64Value ?? 0
        cause = object["cause"] as? String
        causeKind = object["causeKind"] as? String
    }

    /// "genesis", or "amendment 3f2a… passed at entry 57".
    var origin: String {
        guard let cause else { return "genesis" }
        return "\(causeKind ?? "change") \(cause) at entry \(since)"
    }
}

extension CharterCommand {
    /// `brakectl charter show [--at INDEX]`: the charter in force now, or the one that judged entry INDEX.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show the charter in force, or with --at the one that judged a given entry.",
            discussion: "Entries before an amendment were judged by the charter before it: --at INDEX shows which.")

        @Option(name: .long, help: "The entry index whose charter to show (default: the charter in force now).")
        var at: UInt64?
        @OptionGroup var node: NodeOptions
        @Flag(name: .long, help: "Print JSON (the node's reply).")
        var json = false

        func run() async throws {
            try await runReporting {
                let reply = try await node.client().get("/v1/charter" + (at.map { "?at=\($0)" } ?? ""))
                if json { printJSON(reply.body); return }
                let served = try ServedCharter(reply.object ?? [:])
                print("charter \(served.charter.id) (\(served.origin))\(at.map { ", which judged entry \($0)" } ?? ", in force")")
                printCharter(served.charter)
            }
        }
    }

    /// `brakectl charter history`: every charter from genesis, each with what changed and why.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history",
            abstract: "List the charters from genesis: the entry each took effect at, its cause and what it changed.")

        @OptionGroup var node: NodeOptions
        @Flag(name: .long, help: "Print JSON (the node's reply).")
        var json = false

        func run() async throws {
            try await runReporting {
                let reply = try await node.client().get("/v1/charter/history")
                if json { printJSON(reply.body); return }
                let items = reply.object?["charters"] as? [[String: Any]] ?? []
                var previous: Charter?
                for item in items {
                    let served = try ServedCharter(item)
                    if let previous {
                        print("entry \(served.since): \(served.causeKind ?? "change") \(served.cause ?? "?") -> charter \(served.charter.id)")
                        for line in CharterDifference(from: previous, to: served.charter).lines { print("  \(line)") }
                    } else {
                        print("entry \(served.since): genesis charter \(served.charter.id)")
                    }
                    previous = served.charter
                }
            }
        }
    }
}

/// Prints a charter's parties, nodes, policies and durations, one item a line.
func printCharter(_ charter: Charter) {
    print("federation: \(DisplayText.escaped(charter.federation))")
    for party in charter.parties {
        let keys = party.keys.map(\.keyID).joined(separator: ", ")
        print("party \(DisplayText.escaped(party.id)) (\(party.partyClass.rawValue)): \(DisplayText.quoted(party.name)), keys \(keys)")
    }
    for node in charter.nodes {
        print("node \(DisplayText.escaped(node.id)) of \(DisplayText.escaped(node.party)) at \(DisplayText.escaped(node.address)), tls pin \(node.tlsPin), checkpoint key \(node.checkpointKey.base64)")
    }
    print("trigger: \(charter.trigger.summary)")
    print("lift:    \(charter.lift.summary)")
    print("amend:   \(charter.amend.summary)")
    print("motion lifetime \(charter.motionLifetimeSeconds) s, attestation interval \(charter.attestationIntervalSeconds) s, "
        + "sunset \(charter.pauseSunsetSeconds.map { "\($0) s" } ?? "none"), clock skew \(charter.clockSkewSeconds) s, max pending \(charter.pendingSeconds) s")
}
