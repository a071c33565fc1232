import ArgumentParser
import BrakeCore
import BrakeLog
import Foundation

/// `brakectl checkpoint`: the node's latest checkpoint, its cosignatures verified here against a
/// charter: the charter file given with `--charter` (what a party holds: no trust in the node), or
/// the charter the node serves (which only shows the node agrees with itself).
///
/// Exit 0 when the checkpoint is final and a majority of the charter's nodes' cosignatures verify
/// (or, for one not final yet, when every cosignature it carries verifies), 1 when not
/// (`unverified`), 64 and up for other errors.
struct CheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Show the latest checkpoint and verify its cosignatures against the charter.")
    @Option(name: .long, help: "The charter file to verify against (default: the charter the node serves).") var charter: String?
    @OptionGroup var node: NodeOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        try await runReporting {
            let client = try node.client()
            let served = try await client.get("/v1/checkpoint").object ?? [:]
            guard let text = served["note"] as? String else { throw CLIError(.unavailable, "the node served no checkpoint note") }
            let note: SignedCheckpoint
            do throws(LogError) { note = try SignedCheckpoint(text: text) } catch {
                throw CLIError(.unverified, error.message, code: error.code.rawValue)
            }
            let (trusted, quorum, federation, source) = try await trustedCosigners(client)
            let verified: Set<String>
            do throws(LogError) { verified = try note.verifiedCosigners(trusted) } catch {
                throw CLIError(.unverified, error.message, code: error.code.rawValue)
            }
            let final = served["final"] as? Bool == true
            let nodes = verified.map { $0.hasPrefix(federation + "/") ? String($0.dropFirst(federation.count + 1)) : $0 }.sorted()
            let ok = note.checkpoint.origin == federation && (final ? verified.count >= quorum : verified.count == note.cosignatures.count && !verified.isEmpty)
            if json {
                printJSON([
                    "origin": note.checkpoint.origin, "size": note.checkpoint.size, "root": Base64.encode(note.checkpoint.root.bytes),
                    "final": final, "quorum": quorum, "verifiedCosigners": nodes, "verified": ok, "charter": source, "note": text,
                ])
            } else {
                print("checkpoint \(note.checkpoint.origin) size \(note.checkpoint.size) root \(Base64.encode(note.checkpoint.root.bytes))")
                print("\(final ? "final" : "not final yet"): \(nodes.count) cosignature(s) verify against \(source) (quorum \(quorum)): \(nodes.joined(separator: ", "))")
                print(text, terminator: "")
            }
            guard ok else {
                throw CLIError(
                    .unverified,
                    note.checkpoint.origin != federation
                        ? "the checkpoint is of log \(note.checkpoint.origin), not of federation \(federation)"
                        : "only \(verified.count) cosignature(s) verify against \(source); a final checkpoint needs \(quorum)",
                    code: "unverified_checkpoint")
            }
        }
    }

    /// The charter's cosigners (key name to key), quorum, federation, and where they came from.
    func trustedCosigners(_ client: NodeClient) async throws -> ([String: PublicKey], Int, String, String) {
        if let path = charter {
            let envelope = try readEnvelope(path)
            let parsed: Charter
            do throws(BrakeError) { parsed = try Charter.verify(envelope) } catch {
                throw CLIError(.refused, error.message, code: error.code.rawValue)
            }
            return (SignedCheckpoint.cosigners(of: parsed), SignedCheckpoint.quorum(of: parsed), parsed.federation, "the charter \(path)")
        }
        let served = try await client.get("/v1/charter").object ?? [:]
        guard let federation = served["federation"] as? String, let nodes = served["nodes"] as? [[String: Any]] else {
            throw CLIError(.unavailable, "the node's charter has no federation and nodes")
        }
        var trusted: [String: PublicKey] = [:]
        for entry in nodes {
            guard let id = entry["id"] as? String, let key = entry["checkpointKey"] as? String, let parsed = try? PublicKey(base64: key) else {
                throw CLIError(.unavailable, "the node's charter has a node without a checkpoint key")
            }
            trusted[Cosignature.keyName(origin: federation, node: id)] = parsed
        }
        return (trusted, nodes.count / 2 + 1, federation, "the charter the node serves")
    }
}

/// `brakectl evidence`: the fork evidence the node keeps (`GET /v1/evidence`). Exit 0 when there is
/// none, 1 when there is some (so a monitor can alert on it), 64 and up for errors.
struct Evidence: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the fork evidence the node found. Exit 0 none, 1 some.")
    @OptionGroup var node: NodeOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        var found = 0
        try await runReporting {
            let reply = try await node.client().get("/v1/evidence")
            let records = reply.object?["evidence"] as? [[String: Any]] ?? []
            found = records.count
            if json { printJSON(reply.body); return }
            guard !records.isEmpty else {
                print("no fork evidence")
                return
            }
            for record in records {
                let nodes = (record["nodes"] as? [String] ?? []).joined(separator: ", ")
                print("\(record["kind"] ?? "?") at size \(record["size"] ?? "?"), found \(record["detectedAt"] ?? "?"): cosigned by \(nodes)")
                print("  id \(record["id"] ?? "?")")
                for note in record["notes"] as? [String] ?? [] {
                    print(note.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
                }
            }
        }
        if found > 0 { throw ExitCode(1) }
    }
}
