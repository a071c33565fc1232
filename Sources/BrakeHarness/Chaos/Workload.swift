import BrakeCore
import Foundation
import Synchronization

/// The client side of a chaos run: workers that trigger and lift pauses with real signed motions,
/// and checkers that ask every node for a verdict throughout, all recorded in a `HistoryRecorder`.
///
/// Each worker repeats a cycle on a fresh scope `chaos/w<worker>/c<cycle>`: propose a trigger, co-sign
/// it until the trigger policy is met, hold the pause briefly, then propose and co-sign a lift until
/// the lift policy is met. Every submission goes to a random node and is retried (to other nodes)
/// until it is acknowledged or refused, or its deadline passes.
public final class Workload: Sendable {
    let federation: Federation
    let signers: PartySigners
    let recorder: HistoryRecorder
    let seed: UInt64
    /// The staleness bound sent with every check.
    public let checkStalenessMillis: Int
    private let running = Mutex(true)
    private let scopes = Mutex([Int: String]())

    /// A workload against `federation`, signing with `signers`, recording into `recorder`.
    public init(federation: Federation, signers: PartySigners, recorder: HistoryRecorder, seed: UInt64, checkStalenessMillis: Int = 1_000) {
        self.federation = federation
        self.signers = signers
        self.recorder = recorder
        self.seed = seed
        self.checkStalenessMillis = checkStalenessMillis
    }

    /// Runs `workers` workers and one checker per node until `stop()`.
    public func run(workers: Int) async {
        await withTaskGroup(of: Void.self) { group in
            for w in 0..<workers {
                group.addTask { await self.worker(w) }
            }
            for n in federation.numbers {
                group.addTask { await self.checker(n) }
            }
        }
    }

    /// Asks every worker and checker to finish (each finishes the request it is in).
    public func stop() {
        running.withLock { $0 = false }
    }

    var isRunning: Bool { running.withLock { $0 } }

    // MARK: - Workers

    private func worker(_ w: Int) async {
        var random = SeededRandom(seed: seed &+ UInt64(w) &* 0x1000_0000)
        var cycle = 0
        while isRunning {
            let scope = "chaos/w\(w)/c\(cycle)"
            scopes.withLock { $0[w] = scope }
            await runCycle(scope: scope, random: &random)
            cycle += 1
        }
    }

    private func runCycle(scope: String, random: inout SeededRandom) async {
        guard let triggerSigners = signers.meeting(signers.charter.trigger, using: &random),
              let liftSigners = signers.meeting(signers.charter.lift, using: &random),
              let motionScope = try? Scope(scope) else { return }
        let trigger = motion(.trigger, scope: motionScope, pause: nil, proposer: triggerSigners[0].party, random: &random)
        guard await collect(trigger, signers: triggerSigners, random: &random) else { return }
        try? await Task.sleep(for: .milliseconds(Int.random(in: 100...400, using: &random)))
        guard isRunning else { return }
        let pauseID = motionID(payload: trigger.payloadBytes())
        let lift = motion(.lift, scope: motionScope, pause: pauseID, proposer: liftSigners[0].party, random: &random)
        _ = await collect(lift, signers: liftSigners, random: &random)
    }

    private func motion(_ kind: MotionKind, scope: Scope, pause: String?, proposer: String, random: inout SeededRandom) -> Motion {
        let now = Int64(Date().timeIntervalSince1970) * 1000
        let nonce = (0..<2).map { _ in String(format: "%016llx", random.next()) }.joined()
        return Motion(
            federation: signers.charter.federation, kind: kind, scope: scope, reason: "brake-harness chaos",
            pause: pause, proposer: proposer, created: now, expires: now + 3_600_000, nonce: nonce
        )
    }

    /// Submits the motion signed by each signer in turn (the first proposes, the others co-sign);
    /// true once the last signature is in (acknowledged, or already present).
    private func collect(_ motion: Motion, signers: [PartySigners.Signer], random: inout SeededRandom) async -> Bool {
        for signer in signers {
            let envelope = motion.unsignedEnvelope().signed(with: signer.key)
            guard await submit(envelope, motion: motion, signer: signer, random: &random) else { return false }
        }
        return true
    }

    /// Submits one signature, retrying on other nodes while the outcome is unknown.
    private func submit(_ envelope: Envelope, motion: Motion, signer: PartySigners.Signer, random: inout SeededRandom) async -> Bool {
        let id = motionID(payload: envelope.payload)
        let signature = envelope.signatures.last.map { Data($0.sig).base64EncodedString() } ?? ""
        let deadline = ContinuousClock.now + .seconds(10)
        while isRunning, ContinuousClock.now < deadline {
            let node = federation.numbers.randomElement(using: &random)!
            let invoked = recorder.now()
            let outcome = await Self.outcome(of: envelope, on: federation, node: node)
            recorder.record(SubmitRecord(
                node: node, motionID: id, kind: motion.kind.rawValue, scope: motion.scope.path, pause: motion.pause,
                signer: signer.party, signature: signature, invokedAt: invoked, completedAt: recorder.now(), outcome: outcome
            ))
            switch outcome {
            case .acknowledged: return true
            case .refused(let code) where code == "no_new_signature": return true
            case .refused(let code) where ["not_leader", "proposal_dropped", "unavailable", "registry_loading"].contains(code): break
            case .refused: return false
            case .pending, .failed: break
            }
            try? await Task.sleep(for: .milliseconds(Int.random(in: 50...200, using: &random)))
        }
        return false
    }

    /// Submits `envelope` to node `node` once and classifies the answer as a client must: 200 is an
    /// acknowledgement, 202 pending, 4xx a refusal, anything else (5xx, timeout, no socket) unknown.
    public static func outcome(of envelope: Envelope, on federation: Federation, node: Int) async -> SubmitRecord.Outcome {
        do {
            let reply = try await federation.api(node).submit(envelope, timeout: .seconds(5))
            struct Answer: Decodable { var state: String?; var index: UInt64?; var committed: Bool? }
            switch reply.status {
            case 200:
                let answer = try reply.decode(Answer.self)
                return .acknowledged(index: answer.index ?? 0, state: answer.state ?? "")
            case 202: return .pending
            case 400..<500: return .refused(code: reply.errorCode ?? "http_\(reply.status)")
            default: return .failed(reason: reply.errorCode ?? "http_\(reply.status)")
            }
        } catch {
            return .failed(reason: Federation.describe(error))
        }
    }

    // MARK: - Checkers

    private func checker(_ n: Int) async {
        guard let api = try? federation.api(n) else { return }
        while isRunning {
            for scope in scopes.withLock({ Array($0.values) }).sorted() {
                let invoked = recorder.now()
                let verdict = try? await api.check(scope, maxStalenessMillis: checkStalenessMillis, timeout: .milliseconds(1_500)).verdict
                recorder.record(CheckRecord(
                    node: n, scope: scope, maxStalenessMillis: checkStalenessMillis,
                    invokedAt: invoked, completedAt: recorder.now(), verdict: verdict
                ))
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
