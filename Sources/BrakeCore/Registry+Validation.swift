extension Registry {
    /// A submission that passed every rule, with what committing it needs.
    struct Validated {
        enum Kind {
            case motion(Motion, existing: MotionRecord?, effect: Effect)
            case attestation(Attestation)
            case review(AttestationReview, of: AttestationRecord)
            /// An amendment; `passes` when its signers now meet the amend policy (proofs checked).
            case amendment(Amendment, existing: AmendmentRecord?, passes: Bool)
            /// A revocation and the charter it leaves.
            case revocation(Revocation, next: Charter)
        }

        /// What a motion does if it passes, with everything validation looked up, so that committing
        /// needs no lookup that could fail after events have been emitted.
        enum Effect {
            /// A new pause of the motion's scope.
            case trigger
            /// The end of this pause, as validation saw it (in force, same scope).
            case lift(Pause)
        }

        var kind: Kind
        var envelope: Envelope
        var id: String
        /// The signatures to record: one per party not yet recorded (for an amendment, one per key).
        var newSignatures: [VerifiedSignature]
        var admission: Admission
    }

    /// Runs the rules (see the type's documentation) against the current state at effective time `now`.
    /// The caller has already advanced the state to `now`.
    /// Signatures `memo` holds are taken as verified (see `SignatureMemo`).
    func validate(_ envelope: Envelope, at now: Millis, memo: SignatureMemo = .none) throws(BrakeError) -> Validated {
        guard Declaration.accepts(payloadType: envelope.payloadType) else { throw Declaration.wrongPayloadType(envelope.payloadType) }
        guard !envelope.signatures.isEmpty else { throw BrakeError(.unsigned, "the envelope carries no signature") }
        let id = motionID(payload: envelope.payload)
        // An amendment's signatures may be by keys it adds, so they are verified once its next
        // charter is known; every other declaration's before its payload is parsed.
        if Bytes.same(envelope.payloadType, Amendment.payloadType) {
            return try validate(Amendment.parse(payload: envelope.payload), id: id, envelope: envelope, memo: memo, at: now)
        }
        let verified = try verifiedSignatures(of: envelope, under: charter, memo: memo)
        let signatures = VerifiedSignature.distinctParties(verified)
        switch try Declaration.parse(envelope) {
        case .motion(let motion):
            return try validate(motion, id: id, envelope: envelope, signatures: signatures, at: now)
        case .attestation(let attestation):
            return try validate(attestation, id: id, envelope: envelope, signatures: signatures, at: now)
        case .review(let review):
            return try validate(review, id: id, envelope: envelope, signatures: signatures)
        case .amendment(let amendment):
            return try validate(amendment, id: id, envelope: envelope, memo: memo, at: now)
        case .revocation(let revocation):
            return try validate(revocation, id: id, envelope: envelope, signatures: verified, at: now)
        }
    }

    private func validate(
        _ motion: Motion, id: String, envelope: Envelope, signatures: [VerifiedSignature], at now: Millis
    ) throws(BrakeError) -> Validated {
        guard Bytes.same(motion.federation, charter.federation) else {
            throw BrakeError(.wrongFederation, "the motion is for federation \"\(motion.federation)\", not \"\(charter.federation)\"")
        }
        let existing = motionsByID[id]
        let fresh: [VerifiedSignature]
        if let existing {
            switch existing.state {
            case .passed, .superseded:
                throw BrakeError(.motionClosed, "motion \(id) is \(existing.state.rawValue)")
            case .expired:
                throw BrakeError(.motionExpired, "motion \(id) expired at \(RFC3339.format(motion.expires))")
            case .open:
                break
            }
            // Only signatures that still count are "recorded": a party whose earlier signature was by
            // a key revoked since may sign again with a key it holds.
            let recorded = countingParties(existing.signers)
            fresh = signatures.filter { !recorded.contains($0.party) }
            guard !fresh.isEmpty else {
                throw BrakeError(.noNewSignature, "motion \(id) already has the signatures of \(existing.signerParties.joined(separator: ", "))")
            }
        } else {
            guard charter.party(id: motion.proposer) != nil else {
                throw BrakeError(.unknownParty, "proposer \"\(motion.proposer)\" is not a party of the charter")
            }
            guard signatures.contains(where: { Bytes.same($0.party, motion.proposer) }) else {
                throw BrakeError(.proposerNotSigned, "the proposer \"\(motion.proposer)\" has not signed the motion")
            }
            try checkOpening(created: motion.created, expires: motion.expires, at: now, what: "motion", code: .invalidMotion)
            fresh = signatures
        }
        guard now < motion.expires else {
            throw BrakeError(.motionExpired, "the motion expired at \(RFC3339.format(motion.expires)), before \(RFC3339.format(now))")
        }
        let effect: Validated.Effect
        switch motion.kind {
        case .trigger:
            effect = .trigger
            if let pause = lookup.unliftedPauses(of: motion.scope).first(where: { $0.isInForce(at: now) }) {
                throw BrakeError(.alreadyPaused, "pause \(pause.id) of scope \(motion.scope) is already in force")
            }
        case .lift:
            let pauseID = motion.pause ?? ""
            guard let pause = pause(exactly: pauseID) else {
                throw BrakeError(.unknownPause, "no pause has id \"\(pauseID)\"")
            }
            guard pause.isInForce(at: now) else {
                throw BrakeError(.pauseNotInForce, "pause \(pauseID) is no longer in force")
            }
            guard pause.scope == motion.scope else {
                throw BrakeError(.invalidMotion, "the lift's scope \(motion.scope) differs from the pause's scope \(pause.scope)")
            }
            effect = .lift(pause)
        }
        let parties = countingParties(existing?.signers ?? []).union(fresh.map(\.party))
        let admission = Admission(
            declaration: .motion(motion), id: id, newSigners: fresh.map(\.party),
            wouldPass: policy(for: motion.kind).isSatisfied(by: parties, in: charter))
        return Validated(kind: .motion(motion, existing: existing, effect: effect), envelope: envelope, id: id, newSignatures: fresh, admission: admission)
    }

    private func validate(
        _ attestation: Attestation, id: String, envelope: Envelope, signatures: [VerifiedSignature], at now: Millis
    ) throws(BrakeError) -> Validated {
        guard Bytes.same(attestation.federation, charter.federation) else {
            throw BrakeError(.wrongFederation, "the attestation is for federation \"\(attestation.federation)\", not \"\(charter.federation)\"")
        }
        guard let pause = pause(exactly: attestation.pause) else {
            throw BrakeError(.unknownPause, "no pause has id \"\(attestation.pause)\"")
        }
        guard pause.isInForce(at: now) else {
            throw BrakeError(.pauseNotInForce, "pause \(pause.id) is no longer in force")
        }
        guard charter.party(id: attestation.party) != nil else {
            throw BrakeError(.unknownParty, "\"\(attestation.party)\" is not a party of the charter")
        }
        guard signatures.contains(where: { Bytes.same($0.party, attestation.party) }) else {
            throw BrakeError(.invalidAttestation, "the attestation of \"\(attestation.party)\" is not signed by that party")
        }
        guard attestationsByID[id] == nil else {
            throw BrakeError(.duplicateAttestation, "attestation \(id) is already recorded")
        }
        if let other = attestationsByID.values.first(where: {
            Bytes.same($0.attestation.pause, attestation.pause) && Bytes.same($0.attestation.party, attestation.party)
                && Bytes.same($0.attestation.period, attestation.period)
        }) {
            throw BrakeError(
                .duplicateAttestation,
                "\"\(attestation.party)\" already attested period \(attestation.period) of pause \(pause.id) (attestation \(other.id))")
        }
        let admission = Admission(declaration: .attestation(attestation), id: id, newSigners: signatures.map(\.party), wouldPass: false)
        return Validated(kind: .attestation(attestation), envelope: envelope, id: id, newSignatures: signatures, admission: admission)
    }

    /// The time rules of a new motion or amendment, as the entry that first records it at effective
    /// time `now` sees them (`code`, naming `what`): it lives at most the charter's motion lifetime,
    /// and it is not dated beyond `now` plus the charter's clock skew — one dated that far could sit
    /// open until that date, longer than its lifetime from now (Specs/time.md).
    func checkOpening(created: Millis, expires: Millis, at now: Millis, what: String, code: BrakeError.Code) throws(BrakeError) {
        let lifetime = expires - created
        guard lifetime <= charter.motionLifetimeSeconds * 1000 else {
            throw BrakeError(code, "the \(what) lives \(lifetime / 1000) s; the charter allows at most \(charter.motionLifetimeSeconds) s")
        }
        guard created <= now + charter.clockSkewMillis else {
            throw BrakeError(
                code,
                "the \(what) was created at \(RFC3339.format(created)), more than the charter's clock skew of \(charter.clockSkewSeconds) s after \(RFC3339.format(now))")
        }
    }

    /// The pause whose id has exactly these bytes. (A `String`-keyed lookup alone would also find it
    /// under a canonically equivalent spelling.)
    func pause(exactly id: String) -> Pause? {
        pausesByID[id].flatMap { Bytes.same($0.id, id) ? $0 : nil }
    }

    /// The charter policy a motion of this kind must meet.
    func policy(for kind: MotionKind) -> PolicyRule {
        switch kind {
        case .trigger: charter.trigger
        case .lift: charter.lift
        }
    }
}
