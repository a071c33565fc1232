import BrakeCore
import Dispatch

/// Decodes submitted envelopes on one dedicated thread, never on Swift's cooperative pool.
///
/// A body of up to `maxBodyBytes` is a strict JSON parse and a base64 decode per signature: cheap
/// once, but a few clients looping on maximal bodies would otherwise occupy every thread of the
/// cooperative pool (as wide as the machine has cores) and every other request, `check` first,
/// would wait behind them. Here they wait in this queue instead, one decode at a time.
final class EnvelopeDecoder: Sendable {
    private let queue = DispatchQueue(label: "brake.envelope-decoder", qos: .utility)

    /// Decodes `bytes` as an envelope, off the cooperative pool.
    func decode(_ bytes: [UInt8]) async -> Result<Envelope, BrakeError> {
        await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(BrakeError) in try Envelope(json: bytes) })
            }
        }
    }
}
