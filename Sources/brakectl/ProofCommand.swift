import ArgumentParser
import BrakeLog
import Foundation

/// `brakectl proof inclusion|consistency`: fetches a Merkle proof from the node and verifies it here,
/// with BrakeLog's RFC 9162 algorithms, against a root the user trusts (`--root`, from a checkpoint they
/// hold) or, without one, against the node's own current checkpoint, which shows the proof agrees with
/// the node's checkpoint and nothing more (`brakectl checkpoint` verifies that one's cosignatures).
///
/// Exit 0 when the proof verifies, 1 when it does not (`invalid_proof`, naming the failed step), 64 and
/// up for other errors.
struct ProofCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Fetch a Merkle proof from the node and verify it offline.",
        subcommands: [Inclusion.self, Consistency.self]
    )

    /// `brakectl proof inclusion --index I [--size S --root B64]`.
    struct Inclusion: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify that entry INDEX's declaration is in the log.",
            discussion: """
                INDEX is the entry index a submission answered with (and /v1/log shows). Without --root, \
                the proof is checked against the node's latest checkpoint (verify that checkpoint's \
                cosignatures with brakectl checkpoint --charter FILE). With --root, give the tree --size that root is for.
                """)
        @Option(name: .long, help: "The entry index of the declaration.") var index: UInt64
        @Option(name: .long, help: "The tree size (leaves) the root is for.") var size: UInt64?
        @Option(name: .long, help: "A trusted root hash, standard base64.") var root: String?
        @OptionGroup var node: NodeOptions
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() async throws {
            try await runReporting {
                let client = try node.client()
                let trusted: (size: UInt64, root: MerkleHash, source: String)
                if let root {
                    guard let size else { throw CLIError(.usage, "--root needs --size: a root is the head of one tree size") }
                    trusted = (size, try decodeHash(root, "--root"), "given with --root")
                } else {
                    let checkpoint = try await client.get("/v1/checkpoint").object ?? [:]
                    guard let size = (checkpoint["size"] as? NSNumber)?.uint64Value, let root = checkpoint["root"] as? String else {
                        throw CLIError(.unavailable, "the node's checkpoint has no size and root")
                    }
                    if let wanted = self.size, wanted != size {
                        throw CLIError(.usage, "--size \(wanted) without --root: the node's checkpoint is for size \(size); give the root for \(wanted)")
                    }
                    trusted = (size, try decodeHash(root, "the checkpoint's root"), "the node's latest checkpoint (brakectl checkpoint verifies its cosignatures)")
                }
                let reply = try await client.get("/v1/proof/inclusion?index=\(index)&size=\(trusted.size)")
                let served = reply.object ?? [:]
                let leafBytes = try decodeBytes(served["leaf"], "leaf")
                let leaf: LogLeaf
                do throws(LogError) { leaf = try LogLeaf(bytes: leafBytes) } catch {
                    throw CLIError(.unverified, error.message, code: error.code.rawValue)
                }
                guard leaf.entryIndex == index else {
                    throw CLIError(.unverified, "the node served the leaf of entry \(leaf.entryIndex), not of entry \(index)", code: "invalid_proof")
                }
                let proof = InclusionProof(
                    leafIndex: try number(served["leafIndex"], "leafIndex"), treeSize: try number(served["treeSize"], "treeSize"),
                    hashes: try hashes(served["hashes"]))
                guard proof.treeSize == trusted.size else {
                    throw CLIError(.unverified, "the node served a proof for size \(proof.treeSize), not \(trusted.size)", code: "invalid_proof")
                }
                let leafHash = MerkleHash.leaf(leafBytes)
                do throws(LogError) { try proof.verify(leafHash: leafHash, root: trusted.root) } catch {
                    throw CLIError(.unverified, error.message, code: error.code.rawValue)
                }
                if json {
                    printJSON([
                        "verified": true, "index": Int(clamping: index), "leafIndex": Int(clamping: proof.leafIndex),
                        "treeSize": Int(clamping: proof.treeSize),
                        "leafHash": base64(leafHash), "root": base64(trusted.root), "rootSource": trusted.source,
                        "hashes": proof.hashes.map(base64),
                    ])
                    return
                }
                print("entry \(index) is leaf \(proof.leafIndex) of the tree of \(proof.treeSize) leaves")
                print("leaf hash \(leafHash.hex)")
                print("path (\(proof.hashes.count) hashes, from the leaf up):")
                for hash in proof.hashes { print("  \(hash.hex)") }
                print("root      \(base64(trusted.root)), \(trusted.source)")
                print("verified: the path leads from the leaf to the root")
            }
        }
    }

    /// `brakectl proof consistency --from A --to B [--from-root B64] [--to-root B64]`.
    struct Consistency: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify that the tree of TO leaves extends the tree of FROM leaves.",
            discussion: """
                Give the roots you trust (from checkpoints you saw) with --from-root and --to-root; a root \
                you do not give is the one the node serves, and the output says so.
                """)
        @Option(name: .long, help: "The older tree size.") var from: UInt64
        @Option(name: .long, help: "The newer tree size.") var to: UInt64
        @Option(name: .customLong("from-root"), help: "A trusted root of the older tree, standard base64.") var fromRoot: String?
        @Option(name: .customLong("to-root"), help: "A trusted root of the newer tree, standard base64.") var toRoot: String?
        @OptionGroup var node: NodeOptions
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() async throws {
            try await runReporting {
                let served = try await node.client().get("/v1/proof/consistency?from=\(from)&to=\(to)").object ?? [:]
                let oldRoot = try decodeHash(fromRoot ?? served["fromRoot"] as? String ?? "", fromRoot == nil ? "the served fromRoot" : "--from-root")
                let newRoot = try decodeHash(toRoot ?? served["toRoot"] as? String ?? "", toRoot == nil ? "the served toRoot" : "--to-root")
                let proof = ConsistencyProof(
                    oldSize: try number(served["from"], "from"), newSize: try number(served["to"], "to"), hashes: try hashes(served["hashes"]))
                guard proof.oldSize == from, proof.newSize == to else {
                    throw CLIError(.unverified, "the node served a proof from \(proof.oldSize) to \(proof.newSize), not \(from) to \(to)", code: "invalid_proof")
                }
                do throws(LogError) { try proof.verify(oldRoot: oldRoot, newRoot: newRoot) } catch {
                    throw CLIError(.unverified, error.message, code: error.code.rawValue)
                }
                let oldSource = fromRoot == nil ? "served by the node" : "given with --from-root"
                let newSource = toRoot == nil ? "served by the node" : "given with --to-root"
                if json {
                    printJSON([
                        "verified": true, "from": Int(clamping: from), "to": Int(clamping: to), "fromRoot": base64(oldRoot), "toRoot": base64(newRoot),
                        "fromRootSource": oldSource, "toRootSource": newSource, "hashes": proof.hashes.map(base64),
                    ])
                    return
                }
                print("tree of \(to) leaves extends the tree of \(from) leaves")
                print("path (\(proof.hashes.count) hashes):")
                for hash in proof.hashes { print("  \(hash.hex)") }
                print("root at \(from): \(base64(oldRoot)), \(oldSource)")
                print("root at \(to): \(base64(newRoot)), \(newSource)")
                print("verified: the path reproduces both roots")
            }
        }
    }
}

private func base64(_ hash: MerkleHash) -> String { Data(hash.bytes).base64EncodedString() }

private func decodeBytes(_ value: Any?, _ what: String) throws(CLIError) -> [UInt8] {
    guard let text = value as? String, let data = Data(base64Encoded: text) else {
        throw CLIError(.unverified, "\(what) is not standard base64", code: "invalid_proof")
    }
    return Array(data)
}

private func decodeHash(_ text: String, _ what: String) throws(CLIError) -> MerkleHash {
    guard let data = Data(base64Encoded: text), let hash = MerkleHash(bytes: Array(data)) else {
        throw CLIError(.unverified, "\(what) is not a 32-byte hash in standard base64", code: "invalid_proof")
    }
    return hash
}

private func hashes(_ value: Any?) throws(CLIError) -> [MerkleHash] {
    guard let texts = value as? [String] else { throw CLIError(.unverified, "the proof has no list of hashes", code: "invalid_proof") }
    var out: [MerkleHash] = []
    for (position, text) in texts.enumerated() { out.append(try decodeHash(text, "proof hash \(position)")) }
    return out
}

private func number(_ value: Any?, _ what: String) throws(CLIError) -> UInt64 {
    guard let number = value as? NSNumber, number.int64Value >= 0 else {
        throw CLIError(.unverified, "the proof has no \(what)", code: "invalid_proof")
    }
    return number.uint64Value
}
