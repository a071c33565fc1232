import BrakeCore
import BrakeLog
import Dispatch
import Foundation

/// The offline verify benchmark: writes a log bundle of `entries` signed declarations
/// (`Specs/bundle.md`) and times `brakectl verify` on it, the real executable in its own process.
///
/// The bundle is made here rather than exported from a node that committed 100,000 declarations
/// through Raft (which takes longer than the benchmark is worth); it is the format `brakectl export`
/// writes, from the same `BundleHeader` and `BundleEntry` code, and verify cannot tell the two
/// apart. Each entry is a trigger motion on a scope of its own signed by two of three parties, so
/// every entry passes and opens a pause: two Ed25519 verifications and a full registry apply each.
public struct VerifyBench: Sendable {
    /// What one run measured.
    public struct Figures: Sendable, Codable {
        /// Entries in the bundle.
        public var entries: Int
        /// DSSE signatures in it.
        public var signatures: Int
        /// The bundle's size in bytes.
        public var bytes: Int
        /// Seconds `brakectl verify` ran, start to exit.
        public var seconds: Double
        /// Entries verified per second.
        public var entriesPerSecond: Double
        /// Signatures verified per second.
        public var signaturesPerSecond: Double
        /// Cores the machine offers (verify uses all of them).
        public var cores: Int
    }

    /// Entries to write.
    public var entries: Int

    /// A benchmark of `entries` entries.
    public init(entries: Int) {
        self.entries = entries
    }

    /// Writes the bundle to `path`, signing on every core. Returns the signature count.
    public func writeBundle(to path: String) throws -> Int {
        let seeds = (1...6).map { [UInt8](repeating: UInt8($0), count: 32) }
        let partyKeys = try seeds[0..<3].map { try SigningKey(seed: $0) }
        let nodeKeys = try seeds[3..<6].map { try SigningKey(seed: $0) }
        let federation = "brake-bench-verify"
        let parties = ["lab-a", "lab-b", "gov-a"]
        let charter = Charter(
            federation: federation,
            parties: zip(parties, partyKeys).map { Party(id: $0, name: $0, partyClass: $0.hasPrefix("gov") ? .government : .lab, keys: [$1.publicKey]) },
            nodes: nodeKeys.enumerated().map { n, key in
                NodeInfo(id: "node-\(n + 1)", party: parties[n], address: "127.0.0.1:\(7401 + n)",
                         tlsPin: String(repeating: "\(n + 1)", count: 64), checkpointKey: key.publicKey)
            },
            trigger: PolicyRule(clauses: [PolicyClause(atLeast: 2)]),
            lift: PolicyRule(clauses: [PolicyClause(atLeast: 2), PolicyClause(atLeast: 1, partyClass: .government)]),
            amend: PolicyRule(clauses: [PolicyClause(atLeast: 3)]),
            motionLifetimeSeconds: 86_400, attestationIntervalSeconds: 86_400)
        var charterEnvelope = charter.unsignedEnvelope()
        for key in partyKeys { charterEnvelope = charterEnvelope.signed(with: key) }

        let count = entries
        let start: Millis = 1_764_583_200_000
        let made = UnsafeMutableBufferPointer<BundleEntry?>.allocate(capacity: count)
        made.initialize(repeating: nil)
        defer { made.deallocate() }
        nonisolated(unsafe) let slots = made
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for n in stride(from: worker, to: count, by: workers) {
                guard let scope = try? Scope("bench/verify/s\(n)") else { continue }
                let motion = Motion(
                    federation: federation, kind: .trigger, scope: scope, reason: "verify benchmark", proposer: parties[n % 3],
                    created: start, expires: start + 3_600_000, nonce: String(format: "%032x", n))
                let envelope = motion.unsignedEnvelope().signed(with: partyKeys[n % 3]).signed(with: partyKeys[(n + 1) % 3])
                slots[n] = BundleEntry(leaf: LogLeaf(entryIndex: UInt64(n + 2), time: start + Millis(n) + 1, envelope: envelope), position: UInt64(n))
            }
        }
        var frontier = MerkleFrontier()
        for n in 0..<count {
            guard let entry = made[n] else { throw HarnessError(.file, "entry \(n) could not be made") }
            _ = frontier.append(leafHash: entry.statedLeafHash)
        }
        let checkpoint = try Checkpoint(origin: federation, size: frontier.size, root: frontier.root)
        var signed = SignedCheckpoint(checkpoint: checkpoint)
        for (n, key) in nodeKeys.enumerated().prefix(2) {
            signed = signed.adding(Cosignature.sign(
                checkpoint, keyName: Cosignature.keyName(origin: federation, node: "node-\(n + 1)"), key: key,
                timestamp: UInt64(start / 1000)))
        }
        let header = BundleHeader(
            federation: federation, charter: charterEnvelope,
            checkpoint: BundleCheckpoint(note: signed.text, size: frontier.size, root: frontier.root, appliedIndex: UInt64(count + 1)),
            exportedAt: RFC3339.format(start), exportedFrom: "brake-harness bench-verify")
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw HarnessError(.file, "cannot write \(path)")
        }
        defer { try? file.close() }
        try file.write(contentsOf: header.line)
        var chunk: [UInt8] = []
        for n in 0..<count {
            chunk += made[n]!.line
            if chunk.count > 1 << 20 {
                try file.write(contentsOf: chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        try file.write(contentsOf: chunk)
        return count * 2
    }

    /// Runs `brakectl verify --json` on the bundle at `path` and returns the figures; a bundle that
    /// does not verify fails the benchmark with brakectl's message.
    public func measure(brakectl: String, bundle path: String, signatures: Int) throws -> Figures {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: brakectl)
        process.arguments = ["verify", "--json", "--no-progress", path]
        let errors = Pipe()
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = errors
        let started = ContinuousClock.now
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let elapsed = ContinuousClock.now - started
        guard process.terminationStatus == 0 else {
            throw HarnessError(.node, "brakectl verify exited \(process.terminationStatus): \(String(decoding: message, as: UTF8.self))")
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return Figures(
            entries: entries, signatures: signatures, bytes: bytes, seconds: seconds,
            entriesPerSecond: Double(entries) / seconds, signaturesPerSecond: Double(signatures) / seconds,
            cores: ProcessInfo.processInfo.activeProcessorCount)
    }
}
