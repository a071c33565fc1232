import BrakeCore
import Foundation

/// Judges a recorded history and the nodes' final states against Brake's promises. Pure: no I/O,
/// no clock, so hand-built histories test it.
///
/// The rules:
/// - every acknowledged submission (a 200) is in every node's final log, with its signature;
/// - every node's final log is the same, and so is every reported registry digest;
/// - no node answers `clear` for a scope while a committed pause covers it. A pause counts as
///   committed from the moment a client was told it passed, and until a client first sent a lift for
///   it; a `clear` is allowed within the check's own staleness bound of that moment, and `unknown`
///   is always allowed;
/// - every pause a node reports has, in that node's log up to the entry that made it, signatures of
///   distinct parties meeting the trigger policy; every lift likewise meets the lift policy.
public struct HistoryChecker: Sendable {
    /// The charter the federation runs: parties, keys, policies.
    public var charter: Charter

    /// A checker for `charter`.
    public init(charter: Charter) {
        self.charter = charter
    }

    /// Every violation found; empty when the history is good.
    public func violations(history: History, finals: [NodeFinalState]) -> [Violation] {
        var found: [Violation] = []
        var logs: [Int: [DecodedEntry]] = [:]
        for final in finals.sorted(by: { $0.node < $1.node }) {
            guard let log = final.log else {
                found.append(Violation(.noFinalState, "node \(final.node) gave no final log"))
                continue
            }
            logs[final.node] = log.map(DecodedEntry.init)
        }
        found += sameLogs(finals)
        found += sameDigests(finals)
        found += acknowledgedPresent(history, logs: logs)
        found += noClearWhilePaused(history)
        for final in finals {
            guard let log = logs[final.node], let pauses = final.pauses else { continue }
            found += policiesMet(pauses, log: log, node: final.node)
        }
        return found
    }

    // MARK: - Rules

    func sameLogs(_ finals: [NodeFinalState]) -> [Violation] {
        let present = finals.filter { $0.log != nil }.sorted { $0.node < $1.node }
        guard let reference = present.first, let referenceLog = reference.log else { return [] }
        var found: [Violation] = []
        for other in present.dropFirst() {
            guard let log = other.log, log != referenceLog else { continue }
            let common = min(log.count, referenceLog.count)
            if let i = (0..<common).first(where: { log[$0] != referenceLog[$0] }) {
                found.append(Violation(.divergentLogs, "nodes \(reference.node) and \(other.node) differ at entry \(referenceLog[i].index): term \(referenceLog[i].term) vs \(log[i].term)"))
            } else {
                found.append(Violation(.divergentLogs, "node \(reference.node) has \(referenceLog.count) entries, node \(other.node) has \(log.count)"))
            }
        }
        return found
    }

    func sameDigests(_ finals: [NodeFinalState]) -> [Violation] {
        let digests = finals.compactMap { final in final.registryDigest.map { (final.node, $0) } }
        guard let first = digests.first else { return [] }
        return digests.dropFirst().filter { $0.1 != first.1 }.map {
            Violation(.divergentDigests, "node \(first.0) reports registry digest \(first.1.prefix(16)), node \($0.0) \($0.1.prefix(16))")
        }
    }

    func acknowledgedPresent(_ history: History, logs: [Int: [DecodedEntry]]) -> [Violation] {
        var found: [Violation] = []
        for submit in history.submits {
            guard case .acknowledged(let index, _) = submit.outcome else { continue }
            for (node, log) in logs.sorted(by: { $0.key < $1.key }) {
                let present = log.contains { $0.motionID == submit.motionID && $0.signatures.contains(submit.signature) }
                if !present {
                    found.append(Violation(.lostAcknowledged, "\(submit.signer)'s signature of \(submit.motionID.prefix(12)) (acknowledged by node \(submit.node) at entry \(index), t=\(Self.time(submit.completedAt))) is not in node \(node)'s log"))
                }
            }
        }
        return found
    }

    func noClearWhilePaused(_ history: History) -> [Violation] {
        var found: [Violation] = []
        for window in pauseWindows(history) {
            for check in history.checks where check.verdict == "clear" {
                guard let scope = try? Scope(check.scope), window.scope.covers(scope) else { continue }
                let freshFrom = check.invokedAt - Double(check.maxStalenessMillis) / 1000
                if freshFrom > window.committed, check.completedAt < window.liftSent {
                    found.append(Violation(.clearWhilePaused, "node \(check.node) answered clear for \(check.scope) at t=\(Self.time(check.invokedAt))–\(Self.time(check.completedAt)) (staleness \(check.maxStalenessMillis) ms), but pause \(window.id.prefix(12)) of \(window.scope.path) was acknowledged at t=\(Self.time(window.committed))\(window.liftSent.isFinite ? " and no lift was sent before t=\(Self.time(window.liftSent))" : " and never lifted")"))
                }
            }
        }
        return found
    }

    func policiesMet(_ pauses: [PauseSummary], log: [DecodedEntry], node: Int) -> [Violation] {
        var found: [Violation] = []
        for pause in pauses {
            let trigger = signers(of: pause.id, in: log, through: pause.triggeredAt)
            if trigger.motion?.kind != .trigger || !charter.trigger.isSatisfied(by: trigger.parties, in: charter) {
                found.append(Violation(.pauseWithoutPolicy, "node \(node) reports pause \(pause.id.prefix(12)) (entry \(pause.triggeredAt)) but its log holds signatures of only \(Self.list(trigger.parties)) for that trigger; policy: \(charter.trigger.summary)"))
            }
            guard let liftedAt = pause.liftedAt else { continue }
            guard let liftID = pause.liftedBy else {
                found.append(Violation(.liftWithoutPolicy, "node \(node) reports pause \(pause.id.prefix(12)) lifted at entry \(liftedAt) by no motion"))
                continue
            }
            let lift = signers(of: liftID, in: log, through: liftedAt)
            let liftsThisPause = lift.motion?.kind == .lift && lift.motion?.pause == pause.id
            if !liftsThisPause || !charter.lift.isSatisfied(by: lift.parties, in: charter) {
                found.append(Violation(.liftWithoutPolicy, "node \(node) reports pause \(pause.id.prefix(12)) lifted at entry \(liftedAt) by \(liftID.prefix(12)), whose log holds signatures of only \(Self.list(lift.parties))\(liftsThisPause ? "" : " and which is not a lift of that pause"); policy: \(charter.lift.summary)"))
            }
        }
        return found
    }

    // MARK: - Helpers

    /// A pause as clients saw it: acknowledged as passed at `committed`, a lift first sent at `liftSent`.
    struct PauseWindow {
        var id: String
        var scope: Scope
        var committed: Double
        var liftSent: Double
    }

    func pauseWindows(_ history: History) -> [PauseWindow] {
        var windows: [String: PauseWindow] = [:]
        for submit in history.submits where submit.kind == "trigger" {
            guard case .acknowledged(_, "passed") = submit.outcome, let scope = try? Scope(submit.scope) else { continue }
            let earlier = windows[submit.motionID]?.committed ?? .infinity
            windows[submit.motionID] = PauseWindow(id: submit.motionID, scope: scope, committed: min(earlier, submit.completedAt), liftSent: .infinity)
        }
        for submit in history.submits where submit.kind == "lift" {
            guard let pause = submit.pause, var window = windows[pause] else { continue }
            window.liftSent = min(window.liftSent, submit.invokedAt)
            windows[pause] = window
        }
        return windows.values.sorted { $0.committed < $1.committed }
    }

    /// The distinct parties whose valid signatures of `motionID` appear in entries up to `through`,
    /// and the motion itself. Signatures that verify under no charter key count for nobody.
    func signers(of motionID: String, in log: [DecodedEntry], through: UInt64) -> (parties: Set<String>, motion: Motion?) {
        var parties = Set<String>()
        var motion: Motion?
        for entry in log where entry.index <= through && entry.motionID == motionID {
            guard let envelope = entry.envelope else { continue }
            motion = motion ?? (try? Motion.parse(payload: envelope.payload))
            for signature in envelope.signatures {
                if let key = envelope.signer(of: signature, among: charter.allKeys), let party = charter.party(owning: key) {
                    parties.insert(party.id)
                }
            }
        }
        return (parties, motion)
    }

    /// A log entry with its motion id and signatures worked out once.
    struct DecodedEntry {
        var index: UInt64
        var envelope: Envelope?
        var motionID: String?
        var signatures: Set<String>

        init(_ entry: LoggedEntry) {
            index = entry.index
            envelope = entry.declaration
            motionID = envelope.map { BrakeCore.motionID(payload: $0.payload) }
            signatures = Set(envelope?.signatures.map { Data($0.sig).base64EncodedString() } ?? [])
        }
    }

    static func time(_ seconds: Double) -> String { String(format: "%.3fs", seconds) }

    static func list(_ parties: Set<String>) -> String {
        parties.isEmpty ? "no party" : parties.sorted().joined(separator: ", ")
    }
}
