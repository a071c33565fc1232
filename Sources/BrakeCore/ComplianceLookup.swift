/// What the registry keeps beside its tables to track compliance at a cost per entry that does not
/// grow with the history: each party's latest attestation per pause, the reviews of each
/// attestation, and the attestation deadlines still ahead (with the earliest among them).
///
/// Like `RegistryLookup`, everything here derives from the tables and `lastTime`: it is rebuilt on
/// restore, never written to rows or snapshots, and takes no part in equality. That is why overdue
/// tracking needs no rows of its own: a deadline is pending exactly when it lies after `lastTime`,
/// so which overdue events have been emitted follows from the rows and the meta row.
struct ComplianceLookup: Sendable {
    /// One party's standing towards one pause.
    struct Slot: Hashable, Sendable {
        var pause: String
        var party: String
    }

    /// The latest attestation (by entry) of each (pause, party): its id and effective time.
    private(set) var latest: [Slot: (id: String, time: Millis)] = [:]
    /// Review ids of each attestation, in the order they were recorded.
    private(set) var reviews: [String: [String]] = [:]
    /// Deadlines after `lastTime` of labs towards unlifted pauses.
    private var pending: [Slot: Millis] = [:]
    /// The earliest of `pending` (`Millis.max` if none).
    private var earliest: Millis = .max

    /// Empty lookups, for an empty registry.
    init() {}

    /// Builds the lookups for restored tables at `lastTime`.
    init(charter: Charter, pauses: [String: Pause], attestations: [String: AttestationRecord], reviews: [String: ReviewRecord], lastTime: Millis) {
        for record in attestations.values.sorted(by: { ($0.index, $0.id) < ($1.index, $1.id) }) {
            latest[Slot(pause: record.attestation.pause, party: record.attestation.party)] = (record.id, record.time)
        }
        for record in reviews.values.sorted(by: { ($0.index, $0.id) < ($1.index, $1.id) }) {
            self.reviews[record.review.attestation, default: []].append(record.id)
        }
        let interval = charter.attestationIntervalMillis
        for pause in pauses.values where pause.liftedAt == nil {
            for party in charter.labs {
                let slot = Slot(pause: pause.id, party: party)
                let due = AttestationSchedule.nextDue(since: pause.since, intervalMillis: interval, lastAttested: latest[slot]?.time)
                if due > lastTime { schedule(slot, due) }
            }
        }
    }

    /// A new pause: every lab owes its first attestation at `since + I`.
    mutating func opened(_ pause: Pause, charter: Charter) {
        let due = AttestationSchedule.nextDue(since: pause.since, intervalMillis: charter.attestationIntervalMillis, lastAttested: nil)
        for party in charter.labs { schedule(Slot(pause: pause.id, party: party), due) }
    }

    /// A lifted pause: nothing more falls due.
    mutating func lifted(_ pauseID: String, charter: Charter) {
        for party in charter.labs { unschedule(Slot(pause: pauseID, party: party)) }
    }

    /// A recorded attestation; a lab's next deadline moves to `due` (which is after its time).
    mutating func recorded(_ record: AttestationRecord, nextDue due: Millis?) {
        let slot = Slot(pause: record.attestation.pause, party: record.attestation.party)
        latest[slot] = (record.id, record.time)
        if let due { schedule(slot, due) }
    }

    /// A recorded review.
    mutating func recorded(_ record: ReviewRecord) {
        reviews[record.review.attestation, default: []].append(record.id)
    }

    /// Removes and returns the deadlines at or before `now` (all after the previous time, since
    /// earlier ones were taken then), in no particular order (the caller sorts).
    mutating func takeDeadlines(through now: Millis) -> [(slot: Slot, due: Millis)] {
        guard now >= earliest else { return [] }
        let reached = pending.filter { $0.value <= now }.map { (slot: $0.key, due: $0.value) }
        for item in reached { pending[item.slot] = nil }
        earliest = pending.values.min() ?? .max
        return reached
    }

    private mutating func schedule(_ slot: Slot, _ due: Millis) {
        let previous = pending.updateValue(due, forKey: slot)
        if previous == earliest, previous != nil, due > earliest {
            earliest = pending.values.min() ?? .max
        } else {
            earliest = min(earliest, due)
        }
    }

    private mutating func unschedule(_ slot: Slot) {
        if let due = pending.removeValue(forKey: slot), due == earliest {
            earliest = pending.values.min() ?? .max
        }
    }
}

extension Charter {
    /// The attestation interval in milliseconds.
    var attestationIntervalMillis: Millis { attestationIntervalSeconds * 1000 }

    /// The ids of the lab parties, in charter order: the parties expected to attest.
    var labs: [String] { parties.filter { $0.partyClass == .lab }.map(\.id) }
}
