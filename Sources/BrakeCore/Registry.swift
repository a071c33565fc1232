/// The pause registry: a deterministic state machine over committed log entries.
///
/// `apply(index:data:)` is a pure function of the previous state and the entry, so every node that
/// applies the same entries holds byte-identical rows and snapshots. `admit(_:at:)` runs the same rules
/// without changing anything; the node calls it before appending, so a rejected submission leaves
/// nothing behind. Rules:
///
/// **Time.** Each entry carries the leader's timestamp; the effective time is
/// `max(lastTime, entry time)`, so it never decreases. Before each entry (no-ops included, which use
/// `lastTime`), open motions with `expires <= effective time` become `expired`, and pauses whose
/// sunset falls in `(lastTime, effective time]` end (`pause_sunset`). Queries (`check`, `compliance`,
/// `MotionRecord.state(at:)`) evaluate expiry and sunset lazily at the time they are asked.
///
/// **Envelopes.** The payloadType must be the motion, attestation, attestation-review, amendment or
/// revocation type (`wrong_payload_type`). There
/// must be at least one signature (`unsigned`), and at most one per charter key, checked before any
/// signature is verified (`too_many_signatures`, `duplicate_signature`: so an envelope's cost is bounded
/// by the charter, not by its size). Every signature must verify under its own charter key, whatever
/// its keyid hint says; one that does not is `bad_signature` if its keyid names a charter key, else
/// `unknown_key`. Signatures count per party: a party signing with two keys counts once, and the first
/// valid signature of each party is kept.
///
/// **Motions** (id = SHA-256 of the payload bytes). The federation must be the charter's
/// (`wrong_federation`, compared by bytes); the scope valid (`invalid_scope`); the payload well formed
/// and canonical (`malformed_json`, `invalid_time`, `invalid_motion`). A new motion: the proposer is a charter party (`unknown_party`)
/// and among the signers (`proposer_not_signed`); `created <= expires` and
/// `expires - created <= motionLifetimeSeconds` (`invalid_motion`); effective time `< expires`
/// (`motion_expired`). A trigger: `pause` is null, and no pause in force has exactly this scope
/// (`already_paused`). A lift: `pause` names a known pause (`unknown_pause`) that is in force
/// (`pause_not_in_force`) and whose scope equals the motion's (`invalid_motion`).
/// The same payload again is a co-signature: it adds the parties not yet recorded (`no_new_signature`
/// if none); a passed or superseded motion is `motion_closed`, an expired one `motion_expired`; the
/// trigger and lift conditions above are checked again.
///
/// **Passing.** After each accepted motion submission, the motion passes if its signing parties meet
/// the charter's policy for its kind (trigger or lift) and the effective time is before `expires`.
/// A trigger that passes creates a `Pause` (id = motion id, since = effective time, sunset = since +
/// `pauseSunsetSeconds` if set) and supersedes other open triggers of exactly the same scope. A lift
/// that passes lifts its pause and supersedes other open lifts of that pause.
///
/// **Attestations** (id = SHA-256 of the payload). Federation (`wrong_federation`); the pause known
/// (`unknown_pause`) and in force at the effective time (`pause_not_in_force`); the party a charter party
/// (`unknown_party`) and among the signers (`invalid_attestation`); at least one claim, evidence items
/// `sha256:<64 lowercase hex>` (`invalid_attestation`); at most one per (pause, party, period) and per
/// id (`duplicate_attestation`).
///
/// **Reviews** (id = SHA-256 of the payload). Federation (`wrong_federation`); the attestation
/// recorded (`unknown_attestation`; its pause need not still be in force: a dispute may come after a
/// lift); the reviewer a charter party (`unknown_party`) of class government (`reviewer_not_government`),
/// among the signers, and not the attesting party itself (`invalid_review`). Each party reviews an
/// attestation once, except that a countersignature may later be withdrawn by a dispute; nothing
/// follows a dispute (`duplicate_review`).
///
/// **Compliance.** Each lab owes one attestation per charter interval while a pause holds
/// (`AttestationSchedule`). When an entry's effective time reaches a lab's deadline for a pause still
/// in force, that entry emits `attestation_overdue`, once per deadline missed. Deadlines are derived
/// from the pause, the attestations and `lastTime`, so they need no rows of their own.
///
/// **Amendments and revocations** (`Registry+Amendment.swift`, Specs/registry.md 18). An amendment
/// carries the complete next charter and passes, like a motion, when the current charter's parties among
/// its signers meet the `amend` policy, every key it adds has signed it and every party gaining a key
/// signed it with a key it holds. A revocation withdraws some of its own party's keys, signed by a key
/// the party keeps. Either makes a new charter current after its entry (`charterHistory`,
/// `charter(at:)`, `ApplyResult.charterChanged`); a key it drops is revoked (`revoked_key`), and open
/// motions count only signatures by keys the current charter gives their party.
///
/// **Checks.** `check(scope, now)` is `paused` if any pause in force at `now` covers the scope (equal or
/// ancestor by whole segments), listing those pauses; otherwise `clear`.
///
/// **Determinism.** Outputs never depend on `Dictionary` order: `rows` sort by key bytes; each list
/// of a snapshot sorts by id bytes; listings (`motions`, `pauses`, `attestations`) and the events of
/// expiry and superseding sort by entry index, then id; JSON is canonical (RFC 8785: keys sorted by UTF-16 code units).
/// Strings that decide anything (JSON keys, federation, party, pause and payload type) are compared
/// by their UTF-8 bytes, never by Swift `String ==`, which is Unicode canonical equivalence.
public struct Registry: Sendable, Hashable {
    /// The charter in force: the last of `charterHistory`, whose parties, keys and policies judge the
    /// next entry.
    public internal(set) var charter: Charter
    /// The chain of charters from genesis (index 0), one epoch per amendment passed or revocation
    /// committed, in entry order. See `charter(at:)`.
    public internal(set) var charterHistory: [CharterEpoch]
    /// The index of the last applied entry (0 before any).
    public internal(set) var appliedIndex: UInt64 = 0
    /// The effective time of the last applied entry; never decreases.
    public internal(set) var lastTime: Millis = 0

    var motionsByID: [String: MotionRecord] = [:]
    var pausesByID: [String: Pause] = [:]
    var attestationsByID: [String: AttestationRecord] = [:]
    var reviewsByID: [String: ReviewRecord] = [:]
    var amendmentsByID: [String: AmendmentRecord] = [:]
    /// The genesis charter's id, computed once: the meta row names it after every entry.
    let charterID: String
    /// Keys listed by an earlier charter and absent from the current one, derived from
    /// `charterHistory`, in the order they were revoked.
    var revokedKeys: [RevokedKey] = []
    /// Open motions, pending sunsets and unlifted pauses by scope, kept beside the tables.
    var lookup = RegistryLookup()
    /// Latest attestations, reviews by attestation and pending deadlines, kept beside the tables.
    var complianceLookup = ComplianceLookup()
    /// The digest of the rows, kept as rows change (`digestHex`).
    var rowDigest = RegistryDigest()

    /// An empty registry governed by `charter`.
    public init(charter: Charter) {
        self.charter = charter
        self.charterHistory = [CharterEpoch(index: 0, charter: charter, cause: nil)]
        self.charterID = charter.id
    }

    /// Equal charters, indices, times and records: the lookups, the row digest and the cached
    /// charter id derive from these, so they take no part.
    public static func == (a: Registry, b: Registry) -> Bool {
        a.appliedIndex == b.appliedIndex && a.lastTime == b.lastTime && a.charter == b.charter
            && a.motionsByID == b.motionsByID && a.pausesByID == b.pausesByID && a.attestationsByID == b.attestationsByID
            && a.reviewsByID == b.reviewsByID && a.charterHistory == b.charterHistory && a.amendmentsByID == b.amendmentsByID
    }

    /// Hashes what `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(charter)
        hasher.combine(appliedIndex)
        hasher.combine(lastTime)
        hasher.combine(motionsByID)
        hasher.combine(pausesByID)
        hasher.combine(attestationsByID)
        hasher.combine(reviewsByID)
        hasher.combine(charterHistory)
        hasher.combine(amendmentsByID)
    }

    /// Stores a motion record and keeps the lookups in step.
    mutating func store(_ record: MotionRecord) {
        motionsByID[record.id] = record
        lookup.note(record)
    }

    /// Stores a pause and keeps the lookups in step (at the current `lastTime`).
    mutating func store(_ pause: Pause) {
        pausesByID[pause.id] = pause
        lookup.note(pause, lastTime: lastTime)
    }

    /// Rebuilds the lookups from the tables, after a restore.
    mutating func rebuildLookup() {
        lookup = RegistryLookup(motions: motionsByID, pauses: pausesByID, lastTime: lastTime)
        complianceLookup = ComplianceLookup(
            charter: charter, pauses: pausesByID, attestations: attestationsByID, reviews: reviewsByID, lastTime: lastTime)
    }

    /// Checks a submission as if it were applied now, as the next entry with timestamp `time`, without
    /// changing anything. Same rules as `apply`; signatures `memo` holds are not verified again.
    public func admit(_ envelope: Envelope, at time: Millis, memo: SignatureMemo = .none) -> Result<Admission, BrakeError> {
        var scratch = self
        let now = max(lastTime, time)
        _ = scratch.advance(to: now, index: appliedIndex + 1)
        do {
            let validated = try scratch.validate(envelope, at: now, memo: memo)
            return .success(validated.admission)
        } catch {
            return .failure(error)
        }
    }

    /// Applies the committed entry at `index`: `data` holds `LogRecord` bytes, or nothing for a Raft
    /// no-op. Never throws: an entry that no longer validates (the state changed since it was admitted)
    /// or does not decode is recorded as `.rejected` and changes nothing but the meta row. An index at
    /// or below `appliedIndex` changes nothing at all (`stale_index`, no rows). Signatures `memo`
    /// holds are not verified again; the outcome is the same with or without it.
    public mutating func apply(index: UInt64, data: [UInt8], memo: SignatureMemo = .none) -> ApplyResult {
        guard index > appliedIndex else {
            let error = BrakeError(.staleIndex, "entry \(index) is at or below the applied index \(appliedIndex)")
            return ApplyResult(index: index, outcome: .rejected(error), events: [], changed: [])
        }
        var changes = Changes()
        let outcome: ApplyResult.Outcome
        if data.isEmpty {
            changes.merge(advance(to: lastTime, index: index))
            outcome = .noop
        } else {
            do {
                let record = try LogRecord(decoding: data)
                let now = max(lastTime, record.time)
                changes.merge(advance(to: now, index: index))
                let validated = try validate(record.envelope, at: now, memo: memo)
                outcome = .accepted(commit(validated, index: index, at: now, changes: &changes))
            } catch {
                changes.merge(advance(to: lastTime, index: index))
                outcome = .rejected(error)
            }
        }
        appliedIndex = index
        let changed: [RegistryKey] = [.meta] + changes.keys
        let rows = changed.map { row(for: $0) }
        for (key, value) in zip(changed, rows) { rowDigest.set(key, value) }
        return ApplyResult(
            index: index, outcome: outcome, events: changes.events, changed: changed, rows: rows,
            charterChanged: changes.charterChanged)
    }

    /// Events and touched rows gathered while applying one entry, in order, without duplicate rows.
    struct Changes {
        var events: [RegistryEvent] = []
        var keys: [RegistryKey] = []
        var charterChanged = false

        mutating func touch(_ key: RegistryKey) {
            if !keys.contains(key) { keys.append(key) }
        }

        mutating func merge(_ other: Changes) {
            events += other.events
            for key in other.keys { touch(key) }
            charterChanged = charterChanged || other.charterChanged
        }
    }

    /// Moves the effective time to `now`: expires open motions, reports pauses reaching their sunset and
    /// labs missing an attestation deadline. Only open motions, pauses with a sunset ahead and pending
    /// deadlines are looked at, through the lookups.
    mutating func advance(to now: Millis, index: UInt64) -> Changes {
        var changes = Changes()
        let expiring = lookup.expiring(at: now).compactMap { motionsByID[$0] }
        for var record in expiring.sorted(by: { ($0.openedAt, $0.id) < ($1.openedAt, $1.id) }) {
            record.state = .expired
            record.closedAt = index
            store(record)
            changes.events.append(.motionExpired(id: record.id, index: index))
            changes.touch(.motion(record.id))
        }
        changes.merge(expireAmendments(at: now, index: index))
        let ending = lookup.takeSunsets(through: now).compactMap { pausesByID[$0] }.filter { $0.liftedAt == nil }
        for pause in ending.sorted(by: { ($0.triggeredAt, $0.id) < ($1.triggeredAt, $1.id) }) {
            changes.events.append(.pauseSunset(pauseID: pause.id, index: index))
        }
        changes.events += overdueEvents(through: now, index: index)
        lastTime = now
        return changes
    }
}
