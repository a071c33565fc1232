import BrakeCore
import BrakeLog
import BrakeRaft
import BrakeStore
import Foundation
import Testing

/// Proof latency on a log of a million entries: a benchmark that prints figures, run on demand
/// (`BRAKE_BENCH_PROOFS=1 swift test -c release --filter ProofLatencyBenchmark`; the entry count
/// from `BRAKE_BENCH_ENTRIES`, default 1,000,000). The store is filled directly through
/// `BrakeStore.applyCommitted` in batches, not through Raft and signatures, which would take the
/// better part of an hour for the same tree: what is measured, a proof from a stored tree, is the
/// same either way. It asserts only what must hold (every proof verifies, and costs at most
/// 2·bitWidth(n) node reads); the times are printed, never asserted.
@Suite("Proof latency benchmark", .enabled(if: ProcessInfo.processInfo.environment["BRAKE_BENCH_PROOFS"] == "1"))
struct ProofLatencyBenchmark {
    @Test("inclusion and consistency proofs from a stored tree of a million leaves")
    func proofLatency() throws {
        let entries = UInt64(ProcessInfo.processInfo.environment["BRAKE_BENCH_ENTRIES"] ?? "") ?? 1_000_000
        try withTemporaryDirectory { directory in
            let store = try BrakeStore(directory: directory, options: StoreOptions(initialMapSize: 1 << 30))
            // One small declaration, stamped with a different time per entry so every leaf differs.
            let envelope = Envelope(
                payloadType: "application/vnd.brake.motion.v1+json", payload: Array("{}".utf8),
                signatures: [EnvelopeSignature(keyID: "bench", sig: Array(repeating: 7, count: 64))])
            let fill = ContinuousClock.now
            var index: UInt64 = 1
            while index <= entries {
                let last = min(entries, index + 9_999)
                let batch = (index...last).map { i in
                    BrakeStore.AppliedEntry(
                        index: i, writes: [],
                        history: Entry(term: 1, index: i, data: LogRecord(time: 1_764_583_200_000 + Int64(i), envelope: envelope).encoded()))
                }
                try store.applyCommitted(batch)
                index = last + 1
            }
            let fillTime = ContinuousClock.now - fill
            store.close()

            let open = ContinuousClock.now
            let reopened = try BrakeStore(directory: directory)
            defer { reopened.close() }
            let (size, root, openedRoot) = try reopened.readHistory { history in
                (history.treeSize, try history.tree.root(atSize: history.treeSize), ContinuousClock.now - open)
            }
            #expect(size == entries)

            // Proofs for leaves spread over the tree (a fixed stride, so runs compare), each verified.
            let samples = 2_000
            var inclusion: [Duration] = []
            var reads: [Int] = []
            let bound = 2 * (64 - size.leadingZeroBitCount)
            for n in 0..<samples {
                let leaf = UInt64(n) &* 7_919 &* 104_729 % size
                let started = ContinuousClock.now
                let (proof, leafBytes, nodeReads) = try reopened.readHistory { history in
                    let entry = try #require(try history.entryIndex(ofLeaf: leaf))
                    let record = try #require(try history.record(at: entry))
                    guard case .leaf(_, let bytes) = record.content else { throw BenchFailure(description: "entry \(entry) is not a leaf") }
                    return (try history.tree.inclusionProof(leafIndex: leaf, treeSize: history.treeSize), bytes, history.nodeReads)
                }
                inclusion.append(ContinuousClock.now - started)
                reads.append(nodeReads)
                try proof.verify(leafHash: MerkleHash.leaf(leafBytes), root: root)
            }
            var consistency: [Duration] = []
            for n in 0..<samples {
                let old = 1 + UInt64(n) &* 104_729 % (size - 1)
                let started = ContinuousClock.now
                let (proof, oldRoot) = try reopened.readHistory { history in
                    (try history.tree.consistencyProof(from: old, to: history.treeSize), try history.tree.root(atSize: old))
                }
                consistency.append(ContinuousClock.now - started)
                try proof.verify(oldRoot: oldRoot, newRoot: root)
            }
            #expect(reads.allSatisfy { $0 <= bound + 2 }, "node reads per inclusion proof: max \(reads.max() ?? 0), bound \(bound)")

            func micros(_ d: Duration) -> Double { Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12 }
            func figures(_ list: [Duration]) -> String {
                let sorted = list.map(micros).sorted()
                let at = { (q: Double) in sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))] }
                return String(format: "p50 %.1f µs, p99 %.1f µs, max %.1f µs", at(0.5), at(0.99), sorted.last ?? 0)
            }
            print("""
                proof latency benchmark: \(size) leaves in LMDB (filled directly in \(String(format: "%.1f", micros(fillTime) / 1e6)) s, not through Raft)
                  reopen and read the root: \(String(format: "%.1f", micros(openedRoot) / 1e3)) ms
                  inclusion proof (leaf lookup, record read, proof, in one read transaction), \(samples) samples: \(figures(inclusion)); node reads max \(reads.max() ?? 0)
                  consistency proof (and the old root), \(samples) samples: \(figures(consistency))
                """)
        }
    }
}

private struct BenchFailure: Error, CustomStringConvertible { var description: String }
