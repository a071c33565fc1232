import BrakeCore
import BrakeRaft
import BrakeReplica
import Dispatch
import Foundation
import Synchronization

/// Verifies signatures off the driver, on a few dedicated threads (one per core), never on Swift's
/// cooperative pool: a submitted envelope's (with its decoding) before it reaches the driver, and
/// those of the declarations in a leader's append, on a follower, before their apply.
///
/// The driver then admits and applies the declaration with the verified signatures in hand
/// (`SignatureMemo`), so it runs no Ed25519 for submissions made here, and submissions verify in
/// parallel on every core. An envelope whose signatures do not verify is refused here with the
/// error admission would give, and costs the driver nothing. Clients looping on maximal bodies
/// wait in these queues; `check` and the other requests run on the cooperative pool, which they
/// cannot occupy.
///
/// The keys are the charter in force (amendments add and revoke keys), read from `charterInForce`
/// at each check. A signature by a key that charter does not know is not refused here: the core
/// decides, with the charter it holds then (`unknown_key`, or `revoked_key` for a revoked one).
final class SignatureWorkers: Sendable {
    private let queues: [DispatchQueue]
    private let next = Atomic<Int>(0)
    private let charterInForce: @Sendable () -> Charter

    init(charterInForce: @escaping @Sendable () -> Charter, width: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.charterInForce = charterInForce
        self.queues = (0..<max(1, width)).map { DispatchQueue(label: "brake.precheck.\($0)", qos: .utility) }
    }

    convenience init(charter: Charter, width: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.init(charterInForce: { charter }, width: width)
    }

    /// A leader's append that carries declarations, whose signatures `memos(for:)` verifies.
    struct DeclarationAppend {
        var entries: [Entry]
        /// Whether it commits some of the entries it carries (a follower catching up), which the
        /// driver then applies at once: their memos must come with the message. Any other append's
        /// entries apply a round trip later at the earliest, so the driver can take it first (and
        /// acknowledge it sooner) and its memos can follow (`NodeDriver.noteVerified`).
        var commitsWhatItCarries: Bool
    }

    /// `message` as an append carrying declarations, or nil for any other message.
    static func declarationAppend(_ message: PeerMessage) -> DeclarationAppend? {
        guard case .raft(let raft) = message.body, case .append(_, _, let entries, let commit) = raft.kind,
              let first = entries.first, entries.contains(where: { !$0.isNoop }) else { return nil }
        return DeclarationAppend(entries: entries, commitsWhatItCarries: first.index <= commit)
    }

    /// The signatures of the declarations of `append`, verified in parallel and keyed by log
    /// index. An entry whose signatures do not verify gets no memo: its apply verifies and refuses
    /// it, as it must on every node.
    func memos(for append: DeclarationAppend) async -> [UInt64: SignatureMemo] {
        let entries = append.entries
        let charter = charterInForce()
        return await onWorker {
            let found = Mutex<[UInt64: SignatureMemo]>([:])
            DispatchQueue.concurrentPerform(iterations: entries.count) { i in
                let entry = entries[i]
                guard !entry.isNoop, let record = try? LogRecord(decoding: entry.data),
                      let memo = try? SignatureMemo.verifying(record.envelope, under: charter), !memo.isEmpty else { return }
                found.withLock { $0[entry.index] = memo }
            }
            return found.withLock { $0 }
        }
    }

    /// The envelope and the signatures verified for it, or the refusal.
    func check(_ bytes: [UInt8]) async -> Result<(Envelope, SignatureMemo), BrakeError> {
        let charter = charterInForce()
        return await onWorker {
            Result { () throws(BrakeError) in
                let envelope = try Envelope(json: bytes)
                do throws(BrakeError) {
                    return (envelope, try SignatureMemo.verifying(envelope, under: charter))
                } catch {
                    guard error.code == .unknownKey else { throw error }
                    return (envelope, .none)
                }
            }
        }
    }

    /// Runs `work` on the next worker queue, round robin, and returns its result.
    private func onWorker<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        let queue = queues[next.wrappingAdd(1, ordering: .relaxed).oldValue % queues.count]
        return await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}
