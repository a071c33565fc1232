import ArgumentParser
import BrakeCore
import BrakeFiles
import BrakeLog
import Foundation

/// `brakectl export --out BUNDLE`: writes the node's history as a log bundle (`Specs/bundle.md`):
/// the charter, the node's latest final checkpoint with its cosignatures, and every entry of the
/// tree at that checkpoint's size, so that anyone can verify it with `brakectl verify` and no node.
///
/// The bundle is consistent by construction: the checkpoint is read first and exactly its `size`
/// leaves are written, paging `/v1/log`, whatever the node commits meanwhile. It is written to a
/// temporary file beside `--out` and renamed into place only when complete, so a failed export
/// leaves nothing behind.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export the node's log, charter and latest final checkpoint as a bundle for offline verify.",
        discussion: """
            The charter in the bundle is the signed genesis envelope the node serves at /v1/charter, or \
            the --charter file, which must be the genesis of the node's charter chain (export refuses \
            another); amendments are entries of the log, which verify follows from genesis. Exit 0 \
            written, 65 the node refused (for example a node whose history begins after a snapshot) or \
            runs another charter, 66 a file cannot be read or written, 69 the node is unavailable or has \
            no final checkpoint yet.
            """)
    @Option(name: .long, help: "Where to write the bundle (JSON Lines).") var out: String
    @Option(name: .long, help: "The charter you expect (a DSSE envelope file); export refuses a node that runs another.") var charter: String?
    @Option(name: .long, help: "Entries asked of the node per request (at most 1000).") var page = 1_000
    @OptionGroup var node: NodeOptions

    func run() async throws {
        try await runReporting {
            guard (1...1_000).contains(page) else { throw CLIError(.usage, "--page must be 1 to 1000") }
            let client = try node.client()
            let served = try await client.get("/v1/charter").object ?? [:]
            let envelope = try charterEnvelope(served)
            let checkpoint = try await self.checkpoint(client)
            let temporary = out + ".partial-\(getpid())"
            guard FileManager.default.createFile(atPath: temporary, contents: nil), let file = FileHandle(forWritingAtPath: temporary) else {
                throw CLIError(.file, "cannot write \(temporary): \(String(cString: strerror(errno)))", code: "file_unwritable")
            }
            var complete = false
            defer {
                try? file.close()
                if !complete { unlink(temporary) }
            }
            let header = BundleHeader(
                federation: served["federation"] as? String ?? "", charter: envelope, checkpoint: checkpoint.bundle,
                exportedAt: RFC3339.format(Int64(Date().timeIntervalSince1970 * 1000)), exportedFrom: checkpoint.node)
            try write(header.line, to: file)
            let written = try await writeEntries(client, size: checkpoint.bundle.size, to: file)
            do { try file.synchronize() } catch { throw CLIError(.file, "cannot sync \(temporary): \(error)", code: "file_unwritable") }
            guard rename(temporary, out) == 0 else {
                throw CLIError(.file, "cannot rename \(temporary) to \(out): \(String(cString: strerror(errno)))", code: "file_unwritable")
            }
            complete = true
            print("wrote \(out): \(written) entries, final checkpoint of size \(checkpoint.bundle.size)")
        }
    }

    /// The genesis charter envelope: the `--charter` file when given, else the one the node serves;
    /// either must verify and be the genesis of the node's charter chain.
    private func charterEnvelope(_ served: [String: Any]) throws(CLIError) -> Envelope {
        let envelope: Envelope
        if let path = charter {
            do { envelope = try Envelope(json: FileBytes.read(path)) } catch {
                throw CLIError(.file, "cannot read the charter \(path): \(error)", code: "file_unreadable")
            }
        } else if let object = served["envelope"] as? [String: Any], let data = try? JSONSerialization.data(withJSONObject: object),
                  let decoded = try? Envelope(json: Array(data)) {
            envelope = decoded
        } else {
            throw CLIError(.usage, "the node serves no charter envelope (an older braked): pass --charter FILE, the charter the node runs with")
        }
        let verified: Charter
        do { verified = try Charter.verify(envelope) } catch {
            throw CLIError(.refused, "the charter does not verify: \(error.message)", code: error.code.rawValue)
        }
        // The bundle carries the genesis charter: a verifier follows the amendments from there.
        guard let id = (served["genesis"] ?? served["id"]) as? String, id == verified.id else {
            throw CLIError(.refused, "the charter given is \(verified.id), the node's genesis charter is \(served["genesis"] ?? served["id"] ?? "?")", code: "charter_mismatch")
        }
        return envelope
    }

    /// The node's latest final checkpoint, as the signed note its cosigners made; refused (exit 69)
    /// while the node has none, or only one not final yet.
    private func checkpoint(_ client: NodeClient) async throws(CLIError) -> (bundle: BundleCheckpoint, node: String) {
        let reply: [String: Any]
        do { reply = try await client.get("/v1/checkpoint").object ?? [:] } catch where error.code == "not_found" {
            throw CLIError(.unavailable, "the node has no checkpoint yet (\(error.message)); try again later", code: "no_final_checkpoint")
        }
        let status = try await client.get("/v1/status").object ?? [:]
        guard let size = (reply["size"] as? NSNumber)?.uint64Value, let applied = (reply["appliedIndex"] as? NSNumber)?.uint64Value,
              let rootText = reply["root"] as? String, let bytes = Base64.decodeStandard(rootText), let root = MerkleHash(bytes: bytes),
              let note = reply["note"] as? String
        else { throw CLIError(.unavailable, "the node's checkpoint has no size, root, appliedIndex and note", code: "invalid_checkpoint") }
        if reply["final"] as? Bool != true {
            throw CLIError(
                .unavailable, "the node has no final checkpoint yet (cosigned by \(reply["cosigners"] ?? "?"), quorum \(reply["quorum"] ?? "?")); try again later",
                code: "no_final_checkpoint")
        }
        return (BundleCheckpoint(note: note, size: size, root: root, appliedIndex: applied), status["node"] as? String ?? "")
    }

    /// Pages `/v1/log` from entry 1 and writes every leaf below `size`, in order; the count written.
    private func writeEntries(_ client: NodeClient, size: UInt64, to file: FileHandle) async throws(CLIError) -> UInt64 {
        var position: UInt64 = 0
        var from: UInt64 = 1
        while position < size {
            let rows = try await client.get("/v1/log?from=\(from)&limit=\(page)").object?["entries"] as? [[String: Any]] ?? []
            guard let last = rows.last, let lastIndex = (last["index"] as? NSNumber)?.uint64Value else {
                throw CLIError(.unavailable, "the node's log ended at entry \(from - 1) with \(position) of the checkpoint's \(size) leaves", code: "inconsistent_log")
            }
            var lines: [UInt8] = []
            for row in rows {
                guard let leafIndex = (row["leafIndex"] as? NSNumber)?.uint64Value, leafIndex < size else { continue }
                let index = (row["index"] as? NSNumber)?.uint64Value ?? 0
                guard leafIndex == position, let time = (row["timeMillis"] as? NSNumber)?.int64Value,
                      let object = row["declaration"] as? [String: Any], let data = try? JSONSerialization.data(withJSONObject: object),
                      let envelope = try? Envelope(json: Array(data))
                else {
                    throw CLIError(.unavailable, "the node served entry \(index) as leaf \(leafIndex) without a time and declaration, expected leaf \(position)", code: "inconsistent_log")
                }
                lines += BundleEntry(leaf: LogLeaf(entryIndex: index, time: time, envelope: envelope), position: position).line
                position += 1
            }
            try write(lines, to: file)
            from = lastIndex + 1
        }
        return position
    }

    private func write(_ bytes: [UInt8], to file: FileHandle) throws(CLIError) {
        do { try file.write(contentsOf: bytes) } catch {
            throw CLIError(.file, "cannot write \(out): \(error)", code: "file_unwritable")
        }
    }
}
