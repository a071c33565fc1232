extension Registry {
    /// Every motion, oldest first (by the entry that opened it, then id).
    public var motions: [MotionRecord] {
        motionsByID.values.sorted { ($0.openedAt, $0.id) < ($1.openedAt, $1.id) }
    }

    /// The motion with this id.
    public func motion(id: String) -> MotionRecord? { motionsByID[id] }

    /// Every pause ever triggered, oldest first (by the entry that triggered it, then id).
    public var pauses: [Pause] {
        pausesByID.values.sorted { ($0.triggeredAt, $0.id) < ($1.triggeredAt, $1.id) }
    }

    /// The pause with this id.
    public func pause(id: String) -> Pause? { pausesByID[id] }

    /// The pauses in force at `now`, oldest first (sunsets evaluated at `now`).
    public func pausesInForce(at now: Millis) -> [Pause] {
        pauses.filter { $0.isInForce(at: now) }
    }

    /// Every attestation, oldest first (by entry, then id).
    public var attestations: [AttestationRecord] {
        attestationsByID.values.sorted { ($0.index, $0.id) < ($1.index, $1.id) }
    }

    /// The attestation with this id.
    public func attestation(id: String) -> AttestationRecord? { attestationsByID[id] }

    /// Whether work of `scope` may run at `now`: `paused` if a pause in force covers it, else `clear`.
    /// Sunsets are evaluated at `now`, even before an entry records them.
    public func check(_ scope: Scope, at now: Millis) -> CheckVerdict {
        checkTable.check(scope, at: now)
    }

    /// The compliance view at `now`: for each pause in force, one row per lab (labs are expected to
    /// attest every `attestationIntervalSeconds`) and per other party that has attested to it.
    public func compliance(at now: Millis) -> [ComplianceRow] {
        let interval = charter.attestationIntervalSeconds * 1000
        let all = attestations
        var rows: [ComplianceRow] = []
        for pause in pauses where pause.isInForce(at: now) {
            let records = all.filter { $0.attestation.pause == pause.id }
            for party in charter.parties {
                let latest = records.last { $0.attestation.party == party.id }
                guard party.partyClass == .lab || latest != nil else { continue }
                let overdue = party.partyClass == .lab && now - (latest?.time ?? pause.since) > interval
                rows.append(ComplianceRow(
                    pauseID: pause.id, party: party.id, lastPeriod: latest?.attestation.period,
                    lastAttested: latest?.time, overdue: overdue))
            }
        }
        return rows
    }
}
