@testable import BrakeCore
import Testing

/// Every event describes a change the registry has stored, with the row it touched listed in
/// `changed`: a watcher must never see "motion passed" for a motion the state still holds open.
func expectEventsMatchState(_ result: ApplyResult, in registry: Registry, sourceLocation: SourceLocation = #_sourceLocation) {
    let i = result.index
    for event in result.events {
        let stored: Bool
        let key: RegistryKey?
        switch event {
        case .motionOpened(let id, _):
            let m = motionLike(id, in: registry)
            stored = m?.openedAt == i
            key = m?.key
        case .motionSigned(let id, let party, _):
            let m = motionLike(id, in: registry)
            stored = m?.signers.contains { $0.party == party && $0.index == i } == true
            key = m?.key
        case .motionPassed(let id, _):
            let m = motionLike(id, in: registry)
            stored = m?.state == .passed && m?.passedAt == i && m?.closedAt == i
            key = m?.key
        case .motionExpired(let id, _):
            let m = motionLike(id, in: registry)
            stored = m?.state == .expired && m?.closedAt == i
            key = m?.key
        case .motionSuperseded(let id, _):
            let m = motionLike(id, in: registry)
            stored = m?.state == .superseded && m?.closedAt == i
            key = m?.key
        case .charterAmended(let cause, let charterID, _):
            stored = registry.charterHistory.contains { $0.index == i && $0.cause == cause && $0.charter.id == charterID }
                && registry.charter(at: i + 1).id == charterID
            key = .charterEpoch(i)
        case .keyRevoked(let party, let keyID, _):
            let held = { (c: Charter) in c.party(id: party)?.keys.contains { $0.keyID == keyID } == true }
            stored = held(registry.charter(at: i)) && !held(registry.charter(at: i + 1)) && registry.isRevoked(keyID: keyID)
            key = .charterEpoch(i)
        case .pauseInForce(let id, let scope, _):
            stored = registry.pause(id: id)?.triggeredAt == i && registry.pause(id: id)?.scope == scope
                && registry.motion(id: id)?.pauseID == id
            key = .pause(id)
        case .pauseLifted(let id, _, _):
            let p = registry.pause(id: id)
            stored = p?.liftedAt == i && p.flatMap { $0.liftedBy.flatMap { registry.motion(id: $0)?.state } } == .passed
            key = .pause(id)
        case .pauseSunset(let id, _):
            stored = registry.pause(id: id)?.sunset != nil
            key = nil
        case .attestationRecorded(let pause, let party, let period, _):
            stored = registry.attestations.contains {
                $0.index == i && $0.attestation.pause == pause && $0.attestation.party == party && $0.attestation.period == period
            }
            key = nil
        case .attestationOverdue(let pause, let party, let due, _):
            // The deadline it names follows from the lab's attestations recorded before this entry
            // (a late one in this entry comes after it), it is reached, and it fell while the pause held.
            let last = registry.attestations.last { $0.attestation.pause == pause && $0.attestation.party == party && $0.index < i }
            let p = registry.pause(id: pause)
            stored = p.map {
                AttestationSchedule.nextDue(since: $0.since, intervalMillis: registry.charter.attestationIntervalSeconds * 1000, lastAttested: last?.time) == due
                    && AttestationSchedule.counts(due, during: $0)
            } == true && due <= registry.lastTime && registry.charter.party(id: party)?.partyClass == .lab
            key = nil
        case .attestationCountersigned(let attestation, let pause, let party, let reviewer, _),
             .attestationDisputed(let attestation, let pause, let party, let reviewer, _, _):
            var verdict = ReviewVerdict.countersign, reason: String?
            if case .attestationDisputed(_, _, _, _, let why, _) = event { verdict = .dispute; reason = why }
            let review = registry.reviews(of: attestation).first { $0.index == i && $0.review.party == reviewer }
            let attested = registry.attestation(id: attestation)?.attestation
            stored = review?.review.verdict == verdict && (reason == nil || review?.review.reason == reason)
                && attested?.pause == pause && attested?.party == party
            key = review.map { .review($0.id) }
        }
        #expect(stored, "event \(event) is not reflected in the stored state", sourceLocation: sourceLocation)
        if let key {
            #expect(result.changed.contains(key), "event \(event) without its row \(key) in changed", sourceLocation: sourceLocation)
        }
    }
}

/// A motion or an amendment by id: what the `motion_*` events describe, and its row.
private func motionLike(_ id: String, in registry: Registry) -> (
    openedAt: UInt64, state: MotionState, passedAt: UInt64?, closedAt: UInt64?, signers: [SignerRecord], key: RegistryKey
)? {
    if let m = registry.motion(id: id) { return (m.openedAt, m.state, m.passedAt, m.closedAt, m.signers, .motion(id)) }
    if let a = registry.amendment(id: id) { return (a.openedAt, a.state, a.passedAt, a.closedAt, a.signers, .amendment(id)) }
    return nil
}

@Suite("Registry invariants")
struct RegistryInvariantTests {
    /// Commit works from what validation saw, so it cannot announce a lift and then fail to store it,
    /// even if the pause were somehow gone from the table between validation and commit.
    @Test func commitNeverEmitsWhatItDoesNotStore() throws {
        var h = Harness()
        let p = h.pause()
        let lift = sign(h.motion(.lift, "training", pause: p), "lab-a", "gov-a")
        var registry = h.registry
        let validated = try registry.validate(lift, at: t0)
        registry.pausesByID[p] = nil
        var changes = Registry.Changes()
        let receipt = registry.commit(validated, index: h.index + 1, at: t0, changes: &changes)
        let result = ApplyResult(index: h.index + 1, outcome: .accepted(receipt), events: changes.events, changed: [.meta] + changes.keys)
        #expect(changes.events.contains(.motionPassed(id: receipt.id, index: h.index + 1)))
        expectEventsMatchState(result, in: registry)
        #expect(receipt.state == registry.motion(id: receipt.id)?.state.rawValue)
    }
}
