import BrakeCore
import BrakeRaft

/// What the simulated clients know and wait for: the declaration they are trying to submit, the
/// proposals they wait to see applied, and the motions they created (to co-sign and lift later).
struct ClientState {
    /// What a submission is expected to do.
    enum Expectation: Equatable {
        /// A well-formed declaration; admission may still refuse it (closed motion, no new signature…).
        case valid
        /// An invalid declaration; admission must refuse it with this code.
        case invalid(BrakeError.Code)
        /// An invalid declaration the leader proposes without admission (a misbehaving leader);
        /// applying it must reject it with this code.
        case bypass(BrakeError.Code)
        /// The liveness probe: a fresh trigger on a scope of its own.
        case probe
    }

    /// A declaration on its way to a leader.
    struct Submission {
        var envelope: Envelope
        var expectation: Expectation
        /// The known motion it co-signs, by index in `known`, or nil for a new motion.
        var cosigns: Int?
        /// The parties whose signatures it carries (for the client's bookkeeping).
        var signers: Set<String>
        var attempts = 0
    }

    /// A submission waiting for the answer of the node it was submitted to.
    struct Pending {
        var submission: Submission
        var node: Int
        var requestID: UInt64
        /// The step it was submitted at; the client gives up waiting after a while.
        var submittedAt: Int
    }

    /// A motion the clients created, with the signatures they saw committed.
    struct KnownMotion {
        var motion: Motion
        var envelope: Envelope
        var id: String
        var signers: Set<String>
    }

    /// The node the clients believe leads.
    var target: Int
    /// The submission being retried, if any.
    var current: Submission?
    var pending: [Pending] = []
    var known: [KnownMotion] = []
    /// Proposals known to be invalid, with the code applying them must give.
    var knownInvalid: [SimulationHistory.Position: BrakeError.Code] = [:]
    var nonceCounter: UInt64 = 0
    var nextRequestID: UInt64 = 1
    var acknowledged = 0
    var rejected = 0
    var probeAcknowledged = false

    init(target: Int) {
        self.target = target
    }

    /// A fresh nonce: 32 lowercase hex characters.
    mutating func nextNonce(_ random: inout SimRandom) -> String {
        nonceCounter += 1
        let value = random.nextUInt64()
        let hex = String(value, radix: 16) + String(nonceCounter, radix: 16)
        return String(repeating: "0", count: max(0, 32 - hex.count)) + hex
    }

    /// Whether the probe is being submitted or waits to be applied.
    var probeInFlight: Bool {
        current?.expectation == .probe || pending.contains { $0.submission.expectation == .probe }
    }

    /// Forgets proposals older than `timeout` steps: the client timed out (the entry may still
    /// commit, but nobody is told).
    mutating func expire(now: Int, timeout: Int) {
        pending.removeAll { now - $0.submittedAt > timeout }
    }

    /// The node crashed: its proposals will never be acknowledged (the client would time out).
    mutating func nodeCrashed(_ node: Int) {
        pending.removeAll { $0.node == node }
    }
}
