import BrakeCore
import Foundation
import Testing

/// The dev charter's attestation interval (one day).
let day: Millis = 86_400_000

@Suite("Compliance tracking")
struct ComplianceTests {
    /// Due times at the window boundaries: labs owe one attestation per window `[t0 + k·day, t0 + (k+1)·day)`
    /// of a pause in force since t0, counted by the entry's time; the due instant itself is overdue.
    @Test(arguments: [
        // (attestation times after t0, query time after t0, next due after t0, overdue)
        ([Millis](), day - 1, day, false),
        ([], day, day, true),
        ([1], 2 * day - 1, 2 * day, false),
        ([1], 2 * day, 2 * day, true),
        ([day - 1], 2 * day - 1, 2 * day, false),
        ([day], 2 * day, 3 * day, false),
        ([1, 2], 2 * day, 2 * day, true),
        ([1, day + 5], 3 * day - 1, 3 * day, false),
        ([5 * day + 7], 7 * day - 1, 7 * day, false),
        ([5 * day + 7], 7 * day, 7 * day, true),
    ])
    func dueAndOverdueAtBoundaries(_ attested: [Millis], _ asked: Millis, _ due: Millis, _ overdue: Bool) throws {
        var h = Harness()
        let p = h.pause(at: t0)
        for (n, offset) in attested.enumerated() {
            h.accept(sign(h.attestation(p, party: "lab-a", period: "p\(n)"), "lab-a"), at: t0 + offset)
        }
        let row = try #require(h.registry.compliance(at: t0 + asked).first { $0.party == "lab-a" })
        #expect(row.nextDue == t0 + due && row.overdue == overdue, "\(row)")
        #expect(row.overdueSince == (overdue ? t0 + due : nil))
        #expect(row.expected && row.attestationCount == attested.count)
        // The registry's own schedule agrees with the row.
        #expect(AttestationSchedule.nextDue(since: t0, intervalMillis: day, lastAttested: attested.last.map { t0 + $0 }) == t0 + due)
    }

    @Test func scheduleSaturatesInsteadOfOverflowing() {
        #expect(AttestationSchedule.nextDue(since: 0, intervalMillis: 1, lastAttested: .max) == AttestationSchedule.latest)
        #expect(AttestationSchedule.nextDue(since: .max - 1, intervalMillis: day, lastAttested: nil) == AttestationSchedule.latest)
        #expect(AttestationSchedule.window(of: .max, since: .min, intervalMillis: 1) == .max)
        #expect(AttestationSchedule.window(of: t0 - 5, since: t0, intervalMillis: day) == 0)
    }

    /// `attestation_overdue` is emitted by the first entry whose time reaches a deadline, once per
    /// deadline missed, for each lab in charter order; no-ops carry no time and emit nothing.
    @Test func overdueEventsComeOncePerMissedDeadline() throws {
        var h = Harness()
        let p = h.pause(at: t0)
        #expect(h.noop().events.isEmpty)
        #expect(overdue(in: h.submit(sign(h.motion(.trigger, "eval", created: t0 + day - 1), "lab-a"), at: t0 + day - 1)).isEmpty)
        // The entry that reaches the deadline reports both labs; its own declaration comes after.
        let reaching = h.submit(sign(h.attestation(p, party: "lab-a", period: "late"), "lab-a"), at: t0 + day)
        #expect(reaching.events == [
            .attestationOverdue(pauseID: p, party: "lab-a", due: t0 + day, index: 4),
            .attestationOverdue(pauseID: p, party: "lab-b", due: t0 + day, index: 4),
            .attestationRecorded(pauseID: p, party: "lab-a", period: "late", index: 4),
        ])
        // lab-b stays overdue, but is not reported again; lab-a's late attestation moved its deadline.
        #expect(overdue(in: h.submit(sign(h.motion(.trigger, "x", proposer: "lab-b", created: t0 + 2 * day), "lab-b"), at: t0 + 2 * day)).isEmpty)
        #expect(h.registry.compliance(at: t0 + 2 * day).map(\.overdue) == [false, true])
        let missed = h.submit(sign(h.motion(.trigger, "y", proposer: "lab-b", created: t0 + 3 * day), "lab-b"), at: t0 + 3 * day)
        #expect(overdue(in: missed) == [.attestationOverdue(pauseID: p, party: "lab-a", due: t0 + 3 * day, index: 6)])
        // After attesting again, lab-b's next lapse is reported anew.
        h.accept(sign(h.attestation(p, party: "lab-b", period: "d3"), "lab-b"), at: t0 + 3 * day + 1)
        let again = h.submit(sign(h.motion(.trigger, "z", created: t0 + 5 * day), "lab-a"), at: t0 + 5 * day)
        #expect(overdue(in: again) == [.attestationOverdue(pauseID: p, party: "lab-b", due: t0 + 5 * day, index: 8)])
    }

    /// Several pauses: events sort by pause (oldest first), then by the lab's place in the charter.
    /// A rejected entry still moves time, so it reports what its time reaches (Specs/registry.md 9.1).
    @Test func overdueEventsSortByPauseThenLab() throws {
        var h = Harness()
        let first = h.pause("training", at: t0)
        let second = h.pause("inference", at: t0 + 1)
        let rejected = h.submit(sign(h.attestation(first, party: "lab-a", period: "x"), "lab-b"), at: t0 + day + 1)
        guard case .rejected = rejected.outcome else { Issue.record("accepted \(rejected.outcome)"); return }
        #expect(rejected.events == [
            .attestationOverdue(pauseID: first, party: "lab-a", due: t0 + day, index: 3),
            .attestationOverdue(pauseID: first, party: "lab-b", due: t0 + day, index: 3),
            .attestationOverdue(pauseID: second, party: "lab-a", due: t0 + day + 1, index: 3),
            .attestationOverdue(pauseID: second, party: "lab-b", due: t0 + day + 1, index: 3),
        ])
        #expect(rejected.changed == [.meta])
    }

    /// A deadline counts only while the pause holds: not after a lift, not at or after a sunset; the
    /// lift's own entry reports a deadline its time reaches, before the pause ends.
    @Test(arguments: [
        // (sunset seconds, lift at, next entry at, overdue events expected)
        (Int64?.none, Millis?.some(day - 1), 2 * day, 0),
        (nil, day, 2 * day, 2),
        (86_400, nil, 2 * day, 0),
        (86_401, nil, 2 * day, 2),
    ])
    func deadlinesCountOnlyWhileThePauseHolds(_ sunset: Int64?, _ liftAt: Millis?, _ nextAt: Millis, _ expected: Int) throws {
        var charter = dev.charter
        charter.pauseSunsetSeconds = sunset
        var h = Harness(charter: charter)
        let p = h.pause(at: t0)
        var events: [RegistryEvent] = []
        if let liftAt {
            let lift = h.submit(sign(h.motion(.lift, "training", pause: p, created: t0 + liftAt), "lab-a", "gov-a"), at: t0 + liftAt)
            #expect(lift.events.last == .pauseLifted(pauseID: p, scope: try Scope("training"), index: 2))
            events += lift.events
        }
        events += h.submit(sign(h.motion(.trigger, "eval", created: t0 + nextAt), "lab-a"), at: t0 + nextAt).events
        #expect(overdue(in: events).count == expected, "\(events)")
        #expect(h.registry.compliance(pauseID: p, at: t0 + nextAt)?.filter(\.overdue).count == expected)
    }

    /// Admission never emits or records anything; an applied entry does, once.
    @Test func admissionLeavesDeadlinesAlone() throws {
        var h = Harness()
        let p = h.pause(at: t0)
        let envelope = sign(h.attestation(p, party: "lab-a"), "lab-a")
        for _ in 0..<3 { _ = h.registry.admit(envelope, at: t0 + 2 * day) }
        #expect(overdue(in: h.submit(envelope, at: t0 + 2 * day)).count == 2)
    }

    /// Rows and snapshots keep reviews; restored registries equal the original, and carry on exactly as
    /// it does: the same overdue events (derived from rows and the applied time), the same digests.
    @Test func persistenceRoundTripKeepsComplianceState() throws {
        var h = Harness(charter: reviewCharter)
        let (p, a) = h.attested()
        h.accept(sign(h.review(a, .countersign), "gov-a"), at: t0 + 2 * hour)
        h.accept(sign(h.review(a, .dispute, by: "gov-b", reason: "no"), "gov-b"), at: t0 + 3 * hour)
        // lab-b misses its first deadline; lab-a's is still ahead.
        #expect(overdue(in: h.submit(sign(h.motion(.trigger, "eval", created: t0 + day), "lab-a"), at: t0 + day)).count == 1)
        let fromRows = try Registry(charter: reviewCharter, rows: h.registry.rows)
        let fromSnapshot = try Registry(charter: reviewCharter, snapshot: h.registry.snapshot())
        #expect(fromRows == h.registry && fromSnapshot == h.registry)
        #expect(fromRows.digestHex() == h.registry.digestHex() && fromSnapshot.snapshot() == h.registry.snapshot())
        #expect(h.registry.rows.contains { $0.key == .review(h.registry.reviews(of: a)[0].id) })
        #expect(String(decoding: h.registry.snapshot(), as: UTF8.self).contains(#""reviews":[{"#))
        let later = LogRecord(time: t0 + 2 * day, envelope: sign(h.motion(.trigger, "later", proposer: "lab-b", created: t0 + 2 * day), "lab-b")).encoded()
        var copies = [h.registry, fromRows, fromSnapshot]
        let results = copies.indices.map { copies[$0].apply(index: h.index + 1, data: later) }
        #expect(overdue(in: results[0]) == [.attestationOverdue(pauseID: p, party: "lab-a", due: t0 + 2 * day, index: h.index + 1)])
        #expect(results.allSatisfy { $0 == results[0] } && copies.allSatisfy { $0 == copies[0] })
        #expect(Set(copies.map { $0.digestHex() }).count == 1)
    }

    /// A state without reviews keeps the snapshot bytes it had before reviews existed (no `reviews`
    /// field), and such a snapshot restores.
    @Test func snapshotsWithoutReviewsKeepTheirOldForm() throws {
        var h = Harness()
        let p = h.pause()
        h.accept(sign(h.attestation(p), "lab-a"))
        let snapshot = h.registry.snapshot()
        #expect(!String(decoding: snapshot, as: UTF8.self).contains("reviews"))
        #expect(try Registry(charter: dev.charter, snapshot: snapshot) == h.registry)
        #expect(brakeError { () throws(BrakeError) in try RegistryKey(bytes: Array("r/".utf8)) }?.code == .corruptState)
        #expect(try RegistryKey(bytes: Array("r/ab".utf8)) == .review("ab"))
    }

    @Test func newEventJSONIsStable() throws {
        let events: [RegistryEvent] = [
            .attestationOverdue(pauseID: "p", party: "lab-a", due: t0 + 500, index: 9),
            .attestationCountersigned(attestationID: "a", pauseID: "p", party: "lab-a", reviewer: "gov-a", index: 10),
            .attestationDisputed(attestationID: "a", pauseID: "p", party: "lab-a", reviewer: "gov-a", reason: "why", index: 11),
        ]
        #expect(String(decoding: events[0].jsonBytes(), as: UTF8.self)
            == #"{"due":"2026-11-29T10:00:00Z","dueMillis":1795946400500,"index":9,"party":"lab-a","pause":"p","type":"attestation_overdue"}"#)
        #expect(String(decoding: events[2].jsonBytes(), as: UTF8.self)
            == #"{"attestation":"a","index":11,"party":"lab-a","pause":"p","reason":"why","reviewer":"gov-a","type":"attestation_disputed"}"#)
        for event in events {
            #expect(try RegistryEvent(jsonBytes: event.jsonBytes()) == event)
            #expect(try JSONDecoder().decode(RegistryEvent.self, from: Data(event.jsonBytes())) == event)
        }
        let mismatched = #"{"due":"2030-01-01T00:00:00Z","dueMillis":1795946400500,"index":9,"party":"lab-a","pause":"p","type":"attestation_overdue"}"#
        #expect(brakeError { () throws(BrakeError) in try RegistryEvent(jsonBytes: Array(mismatched.utf8)) }?.code == .malformedJSON)
    }

    /// The overdue events of a result.
    func overdue(in result: ApplyResult) -> [RegistryEvent] { overdue(in: result.events) }

    func overdue(in events: [RegistryEvent]) -> [RegistryEvent] {
        events.filter { if case .attestationOverdue = $0 { true } else { false } }
    }
}
