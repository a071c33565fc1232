extension Registry {
    /// Writes a validated submission into the state at `index` and effective time `now`, then lets a
    /// motion pass if its policy is met. Returns the receipt.
    mutating func commit(_ v: Validated, index: UInt64, at now: Millis, changes: inout Changes) -> DeclarationReceipt {
        let newSignatures = v.newSignatures.map { EnvelopeSignature(keyID: $0.key.keyID, sig: $0.signature.sig) }
        let newSigners = v.newSignatures.map { SignerRecord(party: $0.party, keyID: $0.key.keyID, index: index, time: now) }
        switch v.kind {
        case .motion(let motion, let existing, let effect):
            var record: MotionRecord
            if let existing {
                record = existing
                record.envelope.signatures += newSignatures
                record.signers += newSigners
            } else {
                record = MotionRecord(
                    id: v.id, motion: motion, payload: v.envelope.payload,
                    envelope: Envelope(payloadType: v.envelope.payloadType, payload: v.envelope.payload, signatures: newSignatures),
                    signers: newSigners, state: .open, openedAt: index,
                    pauseID: motion.kind == .lift ? motion.pause : nil)
            }
            let counting = countingParties(record.signers)
            let passes = now < motion.expires && policy(for: motion.kind).isSatisfied(by: counting, in: charter)
            if passes {
                record.state = .passed
                record.passedAt = index
                record.closedAt = index
                if case .trigger = effect { record.pauseID = v.id }
            }
            // The record is stored in its final state before any event about it is emitted.
            store(record)
            changes.touch(.motion(v.id))
            if existing == nil { changes.events.append(.motionOpened(id: v.id, index: index)) }
            for signer in newSigners {
                changes.events.append(.motionSigned(id: v.id, party: signer.party, index: index))
            }
            if passes {
                changes.events.append(.motionPassed(id: v.id, index: index))
                carryOut(effect, of: record, index: index, at: now, changes: &changes)
            }
            return DeclarationReceipt(id: v.id, kind: "motion", state: record.state.rawValue, signers: record.signerParties, index: index)

        case .attestation(let attestation):
            let record = AttestationRecord(
                id: v.id, attestation: attestation,
                envelope: Envelope(payloadType: v.envelope.payloadType, payload: v.envelope.payload, signatures: newSignatures),
                signers: newSigners.map(\.party), index: index, time: now)
            attestationsByID[v.id] = record
            complianceLookup.recorded(record, nextDue: nextDue(after: record))
            changes.touch(.attestation(v.id))
            changes.events.append(.attestationRecorded(
                pauseID: attestation.pause, party: attestation.party, period: attestation.period, index: index))
            return DeclarationReceipt(id: v.id, kind: "attestation", state: nil, signers: record.signers, index: index)

        case .review(let review, let attested):
            let record = ReviewRecord(
                id: v.id, review: review,
                envelope: Envelope(payloadType: v.envelope.payloadType, payload: v.envelope.payload, signatures: newSignatures),
                signers: newSigners.map(\.party), index: index, time: now)
            return commit(record, of: attested, changes: &changes)

        case .amendment(let amendment, let existing, let passes):
            return commit(amendment, existing: existing, passes: passes, v, index: index, at: now, changes: &changes)

        case .revocation(let revocation, let next):
            return commit(revocation, next: next, v, index: index, changes: &changes)
        }
    }

    /// Carries out the effect of `record`, which has passed and is stored: a new pause, or the end of
    /// the pause validation found. Each change is stored before its event is emitted, and nothing here
    /// looks anything up, so no event can announce a change that was not made.
    private mutating func carryOut(_ effect: Validated.Effect, of record: MotionRecord, index: UInt64, at now: Millis, changes: inout Changes) {
        let motion = record.motion
        switch effect {
        case .trigger:
            let pause = Pause(
                id: record.id, scope: motion.scope, reason: motion.reason, triggeredAt: index, since: now,
                signers: record.signerParties.filter(countingParties(record.signers).contains), sunset: charter.pauseSunsetSeconds.map { now + $0 * 1000 })
            store(pause)
            complianceLookup.opened(pause, charter: charter)
            changes.touch(.pause(pause.id))
            changes.events.append(.pauseInForce(pauseID: pause.id, scope: pause.scope, index: index))
            supersede(where: { $0.motion.kind == .trigger && $0.motion.scope == motion.scope }, index: index, changes: &changes)
        case .lift(var pause):
            pause.liftedAt = index
            pause.liftedBy = record.id
            pause.liftedTime = now
            store(pause)
            complianceLookup.lifted(pause.id, charter: charter)
            changes.touch(.pause(pause.id))
            changes.events.append(.pauseLifted(pauseID: pause.id, scope: pause.scope, index: index))
            supersede(
                where: { $0.motion.kind == .lift && $0.motion.pause.map { Bytes.same($0, pause.id) } == true },
                index: index, changes: &changes)
        }
    }

    /// Closes every other open motion matching `predicate` as superseded (only open motions are looked at).
    private mutating func supersede(where predicate: (MotionRecord) -> Bool, index: UInt64, changes: inout Changes) {
        let overtaken = lookup.openMotions.keys.compactMap { motionsByID[$0] }.filter { $0.state == .open && predicate($0) }
        for var record in overtaken.sorted(by: { ($0.openedAt, $0.id) < ($1.openedAt, $1.id) }) {
            record.state = .superseded
            record.closedAt = index
            store(record)
            changes.touch(.motion(record.id))
            changes.events.append(.motionSuperseded(id: record.id, index: index))
        }
    }
}
