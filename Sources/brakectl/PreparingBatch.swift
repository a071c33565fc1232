import BrakeCore
import BrakeLog
import Dispatch
import Foundation

/// One batch of entry lines being decoded and checked (`BundleVerifier.prepare`) on every core.
final class PreparingBatch: @unchecked Sendable {
    private var results: [Result<PreparedEntry, BundleFailure>]
    private let done = DispatchGroup()

    /// Starts preparing `lines` (the first being line `firstLine` of the file) in the background.
    init(lines: [[UInt8]], firstLine: Int, charter: Charter) {
        results = Array(repeating: .failure(BundleFailure("line \(firstLine)", code: "invalid_bundle", "not checked")), count: lines.count)
        done.enter()
        DispatchQueue.global().async { [self] in
            let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
            results.withUnsafeMutableBufferPointer { slots in
                nonisolated(unsafe) let slots = slots
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    for i in stride(from: worker, to: lines.count, by: workers) {
                        slots[i] = Result { () throws(BundleFailure) in
                            BundleVerifier.prepare(try BundleReader.entry(lines[i], number: firstLine + i), charter: charter)
                        }
                    }
                }
            }
            done.leave()
        }
    }

    /// The prepared entries, in line order, once every worker is done.
    func wait() -> [Result<PreparedEntry, BundleFailure>] {
        done.wait()
        return results
    }
}
