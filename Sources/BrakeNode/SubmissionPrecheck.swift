import BrakeCore
import Dispatch
import Foundation
import Synchronization

/// Decodes a submitted envelope and verifies its signatures before it reaches the driver, on a few
/// dedicated threads (one per core), never on Swift's cooperative pool and never on the driver.
///
/// The driver then admits and applies the declaration with the verified signatures in hand
/// (`SignatureMemo`), so it runs no Ed25519 for submissions made here, and submissions verify in
/// parallel on every core. An envelope whose signatures do not verify is refused here with the
/// error admission would give, and costs the driver nothing. Clients looping on maximal bodies
/// wait in these queues; `check` and the other requests run on the cooperative pool, which they
/// cannot occupy.
final class SubmissionPrecheck: Sendable {
    private let queues: [DispatchQueue]
    private let next = Atomic<Int>(0)
    private let charter: Charter

    init(charter: Charter, width: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.charter = charter
        self.queues = (0..<max(1, width)).map { DispatchQueue(label: "brake.precheck.\($0)", qos: .utility) }
    }

    /// The envelope and the signatures verified for it, or the refusal.
    func check(_ bytes: [UInt8]) async -> Result<(Envelope, SignatureMemo), BrakeError> {
        let queue = queues[next.wrappingAdd(1, ordering: .relaxed).oldValue % queues.count]
        let charter = self.charter
        return await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(BrakeError) in
                    let envelope = try Envelope(json: bytes)
                    return (envelope, try SignatureMemo.verifying(envelope, under: charter))
                })
            }
        }
    }
}
