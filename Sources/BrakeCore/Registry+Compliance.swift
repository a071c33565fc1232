extension Registry {
    /// Runs the review rules (see the type's documentation) against the current state.
    func validate(
        _ review: AttestationReview, id: String, envelope: Envelope, signatures: [VerifiedSignature]
    ) throws(BrakeError) -> Validated {
        guard Bytes.same(review.federation, charter.federation) else {
            throw BrakeError(.wrongFederation, "the review is for federation \"\(review.federation)\", not \"\(charter.federation)\"")
        }
        guard let attested = attestationsByID[review.attestation], Bytes.same(attested.id, review.attestation) else {
            throw BrakeError(.unknownAttestation, "no attestation has id \"\(review.attestation)\"")
        }
        guard let reviewer = charter.party(id: review.party) else {
            throw BrakeError(.unknownParty, "\"\(review.party)\" is not a party of the charter")
        }
        guard reviewer.partyClass == .government else {
            throw BrakeError(
                .reviewerNotGovernment,
                "\"\(review.party)\" is a party of class \(reviewer.partyClass.rawValue); only governments review attestations")
        }
        guard signatures.contains(where: { Bytes.same($0.party, review.party) }) else {
            throw BrakeError(.invalidReview, "the review of \"\(review.party)\" is not signed by that party")
        }
        guard !Bytes.same(attested.attestation.party, review.party) else {
            throw BrakeError(.invalidReview, "\"\(review.party)\" cannot review its own attestation")
        }
        let earlier = reviews(of: attested.id).filter { Bytes.same($0.review.party, review.party) }
        if let dispute = earlier.first(where: { $0.review.verdict == .dispute }) {
            throw BrakeError(
                .duplicateReview,
                "\"\(review.party)\" already disputed attestation \(attested.id) (review \(dispute.id)); a dispute is final")
        }
        if review.verdict == .countersign, let countersignature = earlier.first {
            throw BrakeError(
                .duplicateReview,
                "\"\(review.party)\" already countersigned attestation \(attested.id) (review \(countersignature.id)); it may still dispute it")
        }
        let admission = Admission(declaration: .review(review), id: id, newSigners: signatures.map(\.party), wouldPass: false)
        return Validated(kind: .review(review, of: attested), envelope: envelope, id: id, newSignatures: signatures, admission: admission)
    }

    /// Records a validated review of `attested` and emits its event.
    mutating func commit(_ record: ReviewRecord, of attested: AttestationRecord, changes: inout Changes) -> DeclarationReceipt {
        reviewsByID[record.id] = record
        complianceLookup.recorded(record)
        changes.touch(.review(record.id))
        let review = record.review, attestation = attested.attestation
        switch review.verdict {
        case .countersign:
            changes.events.append(.attestationCountersigned(
                attestationID: attested.id, pauseID: attestation.pause, party: attestation.party, reviewer: review.party,
                index: record.index))
        case .dispute:
            changes.events.append(.attestationDisputed(
                attestationID: attested.id, pauseID: attestation.pause, party: attestation.party, reviewer: review.party,
                reason: review.reason, index: record.index))
        }
        let state = review.verdict == .countersign ? "countersigned" : "disputed"
        return DeclarationReceipt(id: record.id, kind: "review", state: state, signers: record.signers, index: record.index)
    }

    /// A lab's next deadline after `record`, while its pause is unlifted; nil for other parties.
    func nextDue(after record: AttestationRecord) -> Millis? {
        guard charter.party(id: record.attestation.party)?.partyClass == .lab,
              let pause = pause(exactly: record.attestation.pause), pause.liftedAt == nil
        else { return nil }
        return AttestationSchedule.nextDue(
            since: pause.since, intervalMillis: charter.attestationIntervalMillis, lastAttested: record.time)
    }

    /// The `attestation_overdue` events of moving the effective time to `now`: deadlines in
    /// `(lastTime, now]` of pauses still in force at the deadline, sorted by pause (triggeredAt, id),
    /// then by the lab's place in the charter. Each deadline is taken from the lookup once.
    mutating func overdueEvents(through now: Millis, index: UInt64) -> [RegistryEvent] {
        let reached = complianceLookup.takeDeadlines(through: now)
        guard !reached.isEmpty else { return [] }
        let labs = charter.labs
        var missed: [(pause: Pause, position: Int, party: String, due: Millis)] = []
        for item in reached {
            guard let pause = pausesByID[item.slot.pause], pause.liftedAt == nil,
                  AttestationSchedule.counts(item.due, during: pause),
                  let position = labs.firstIndex(where: { Bytes.same($0, item.slot.party) })
            else { continue }
            missed.append((pause, position, item.slot.party, item.due))
        }
        missed.sort { ($0.pause.triggeredAt, $0.pause.id, $0.position) < ($1.pause.triggeredAt, $1.pause.id, $1.position) }
        return missed.map { .attestationOverdue(pauseID: $0.pause.id, party: $0.party, due: $0.due, index: index) }
    }

    /// The compliance view at `now`: for each pause in force (oldest first), one row per lab and per
    /// other party that has attested to it, in charter order.
    public func compliance(at now: Millis) -> [ComplianceRow] {
        pausesInForce(at: now).flatMap { complianceRows(of: $0, at: now) }
    }

    /// The compliance rows of one pause, whether or not it is still in force; nil if there is no such pause.
    public func compliance(pauseID: String, at now: Millis) -> [ComplianceRow]? {
        pause(exactly: pauseID).map { complianceRows(of: $0, at: now) }
    }

    private func complianceRows(of pause: Pause, at now: Millis) -> [ComplianceRow] {
        let records = attestations.filter { Bytes.same($0.attestation.pause, pause.id) }
        var rows: [ComplianceRow] = []
        for party in charter.parties {
            let mine = records.filter { Bytes.same($0.attestation.party, party.id) }
            let expected = party.partyClass == .lab
            guard expected || !mine.isEmpty else { continue }
            let latest = mine.last
            var nextDue: Millis?
            if expected {
                let due = AttestationSchedule.nextDue(
                    since: pause.since, intervalMillis: charter.attestationIntervalMillis, lastAttested: latest?.time)
                if AttestationSchedule.counts(due, during: pause) { nextDue = due }
            }
            let overdue = nextDue.map { $0 <= now } ?? false
            // Each government's standing verdict on the latest attestation is its last review of it.
            var standing: [(reviewer: String, verdict: ReviewVerdict)] = []
            for review in latest.map({ reviews(of: $0.id) }) ?? [] {
                if let i = standing.firstIndex(where: { Bytes.same($0.reviewer, review.review.party) }) {
                    standing[i].verdict = review.review.verdict
                } else {
                    standing.append((review.review.party, review.review.verdict))
                }
            }
            let disputes = mine.flatMap { attestation in
                reviews(of: attestation.id).filter { $0.review.verdict == .dispute }.map {
                    ComplianceRow.Dispute(
                        review: $0.id, attestation: attestation.id, period: attestation.attestation.period,
                        reviewer: $0.review.party, reason: $0.review.reason, index: $0.index, time: $0.time)
                }
            }
            rows.append(ComplianceRow(
                pauseID: pause.id, scope: pause.scope, party: party.id, partyClass: party.partyClass, expected: expected,
                lastAttestation: latest.map {
                    ComplianceRow.AttestationSummary(id: $0.id, period: $0.attestation.period, index: $0.index, time: $0.time)
                },
                attestationCount: mine.count, nextDue: nextDue, overdue: overdue, overdueSince: overdue ? nextDue : nil,
                countersignedBy: standing.filter { $0.verdict == .countersign }.map(\.reviewer),
                disputedBy: standing.filter { $0.verdict == .dispute }.map(\.reviewer),
                disputes: disputes.sorted { ($0.index, $0.review) < ($1.index, $1.review) }))
        }
        return rows
    }
}
