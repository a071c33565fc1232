extension Registry {
    /// Checks an amendment against the current charter (see Specs/registry.md, "Amendments"): the
    /// federation, the state of an existing record, `amends` naming the charter in force
    /// (`stale_amendment`), the next charter (`checkNext`), the signatures under the current keys
    /// and the next charter's new keys, the proposer and lifetime of a new amendment, and, once the
    /// current parties among the signers meet the `amend` policy, the proofs the next charter needs.
    func validate(_ amendment: Amendment, id: String, envelope: Envelope, memo: SignatureMemo, at now: Millis) throws(BrakeError) -> Validated {
        guard Bytes.same(amendment.federation, charter.federation) else {
            throw BrakeError(.wrongFederation, "the amendment is for federation \"\(amendment.federation)\", not \"\(charter.federation)\"")
        }
        let existing = amendmentsByID[id]
        if let existing {
            switch existing.state {
            case .passed, .superseded: throw BrakeError(.motionClosed, "amendment \(id) is \(existing.state.rawValue)")
            case .expired: throw BrakeError(.motionExpired, "amendment \(id) expired at \(RFC3339.format(amendment.expires))")
            case .open: break
            }
        }
        guard Bytes.same(amendment.amends, charter.id) else {
            let since = charterHistory.last?.index ?? 0
            throw BrakeError(
                .staleAmendment,
                "amendment \(id) amends charter \(amendment.amends); the charter in force is \(charter.id) (since entry \(since))")
        }
        let next = amendment.charter
        try checkNext(next)
        let verified = try verifiedSignatures(of: envelope, under: charter.verifier(adding: next), memo: memo)
        let recordedKeys = Set(existing?.signers.map(\.keyID) ?? [])
        let fresh = verified.filter { !recordedKeys.contains($0.key.keyID) }
        if let existing {
            guard !fresh.isEmpty else {
                throw BrakeError(.noNewSignature, "amendment \(id) already has these signatures (\(existing.signerParties.joined(separator: ", ")))")
            }
        } else {
            guard let proposer = charter.party(id: amendment.proposer) else {
                throw BrakeError(.unknownParty, "proposer \"\(amendment.proposer)\" is not a party of the charter")
            }
            guard verified.contains(where: { Bytes.same($0.party, proposer.id) && proposer.keys.contains($0.key) }) else {
                throw BrakeError(.proposerNotSigned, "the proposer \"\(amendment.proposer)\" has not signed the amendment with a key of the charter")
            }
            try checkOpening(created: amendment.created, expires: amendment.expires, at: now, what: "amendment", code: .invalidAmendment)
        }
        guard now < amendment.expires else {
            throw BrakeError(.motionExpired, "the amendment expired at \(RFC3339.format(amendment.expires)), before \(RFC3339.format(now))")
        }
        let signers = (existing?.signers ?? []) + fresh.map { SignerRecord(party: $0.party, keyID: $0.key.keyID, index: 0, time: 0) }
        let passes = charter.amend.isSatisfied(by: countingParties(signers), in: charter)
        if passes { try checkProofs(of: next, signers: signers) }
        let admission = Admission(
            declaration: .amendment(amendment), id: id, newSigners: VerifiedSignature.distinctParties(fresh).map(\.party), wouldPass: passes)
        return Validated(
            kind: .amendment(amendment, existing: existing, passes: passes), envelope: envelope, id: id, newSignatures: fresh,
            admission: admission)
    }

    /// The rules for the charter an amendment proposes: same federation, not the current charter,
    /// every policy satisfiable (`unsatisfiable_policy`), valid as a charter (which also keeps every
    /// node's party a party), no key moved from one party to another and no revoked key restored
    /// (`invalid_amendment`).
    func checkNext(_ next: Charter) throws(BrakeError) {
        func fail(_ why: String) -> BrakeError { BrakeError(.invalidAmendment, why) }
        guard Bytes.same(next.federation, charter.federation) else {
            throw fail("the next charter names federation \"\(next.federation)\"; an amendment cannot change the federation")
        }
        guard next.id != charter.id else { throw fail("the next charter is the charter in force; the amendment changes nothing") }
        if let why = next.unsatisfiablePolicy() { throw BrakeError(.unsatisfiablePolicy, why) }
        do throws(BrakeError) {
            try next.validate()
        } catch {
            throw fail("the next charter is invalid: \(error.message)")
        }
        for party in next.parties {
            for key in party.keys {
                if let owner = charter.party(owning: key), !Bytes.same(owner.id, party.id) {
                    throw fail("key \(key.keyID) of \"\(owner.id)\" would move to \"\(party.id)\"; a key belongs to one party for good")
                }
                if let revoked = revokedKeys.first(where: { $0.key == key }) {
                    throw fail("key \(key.keyID) of \"\(revoked.party)\" was revoked at entry \(revoked.index); a revoked key never returns")
                }
            }
        }
    }

    /// What an amendment needs beyond the policy, checked when the policy is met: every party that
    /// gains a key signed it with a key it already holds (`unauthorized_key_change`), and every key the
    /// next charter adds signed it (`unproven_key`: proof of possession, as at genesis).
    func checkProofs(of next: Charter, signers: [SignerRecord]) throws(BrakeError) {
        for party in next.parties {
            guard let current = charter.party(id: party.id) else { continue }
            let added = party.keys.filter { !current.keys.contains($0) }
            let heldIDs = Set(current.keys.map(\.keyID))
            guard !added.isEmpty, !signers.contains(where: { Bytes.same($0.party, party.id) && heldIDs.contains($0.keyID) }) else { continue }
            throw BrakeError(
                .unauthorizedKeyChange,
                "the amendment adds key \(added[0].keyID) to \"\(party.id)\", which has not signed it with a key it holds; no party can add a key for another")
        }
        let signed = Set(signers.map(\.keyID))
        for (party, key) in charter.keysAdded(by: next) where !signed.contains(key.keyID) {
            throw BrakeError(
                .unprovenKey,
                "key \(key.keyID) of \"\(party)\", which the amendment adds, has not signed it; every new key must sign (proof of possession)")
        }
    }

    /// Checks a revocation: federation, a current party, keys it holds now (`invalid_revocation`, or
    /// for a key already gone, naming the entry that revoked it), at least one key left, a signature
    /// by the party with a key it keeps, `created` not beyond the clock skew, and the charter left
    /// valid with every policy satisfiable (`unsatisfiable_policy`).
    func validate(_ revocation: Revocation, id: String, envelope: Envelope, signatures: [VerifiedSignature], at now: Millis) throws(BrakeError) -> Validated {
        func fail(_ why: String) -> BrakeError { BrakeError(.invalidRevocation, why) }
        guard Bytes.same(revocation.federation, charter.federation) else {
            throw BrakeError(.wrongFederation, "the revocation is for federation \"\(revocation.federation)\", not \"\(charter.federation)\"")
        }
        guard let party = charter.party(id: revocation.party) else {
            throw BrakeError(.unknownParty, "\"\(revocation.party)\" is not a party of the charter")
        }
        for key in revocation.keys where !party.keys.contains(key) {
            if let revoked = revokedKeys.first(where: { $0.key == key }) {
                throw fail("key \(key.keyID) of \"\(revoked.party)\" was already revoked at entry \(revoked.index)")
            }
            throw fail("key \(key.keyID) is not a key of \"\(party.id)\"")
        }
        let kept = party.keys.filter { !revocation.keys.contains($0) }
        guard !kept.isEmpty else {
            throw fail("it would leave \"\(party.id)\" with no key; a party keeps at least one (an amendment can remove a party)")
        }
        guard signatures.contains(where: { Bytes.same($0.party, party.id) && kept.contains($0.key) }) else {
            throw fail("a revocation must be signed by \"\(party.id)\" itself, with a key it keeps")
        }
        guard revocation.created <= now + charter.clockSkewMillis else {
            throw fail("the revocation was created at \(RFC3339.format(revocation.created)), more than the charter's clock skew after \(RFC3339.format(now))")
        }
        let next = charter.removing(revocation.keys)
        if let why = next.unsatisfiablePolicy() { throw BrakeError(.unsatisfiablePolicy, why) }
        do throws(BrakeError) {
            try next.validate()
        } catch {
            throw fail("the charter it leaves is invalid: \(error.message)")
        }
        let distinct = VerifiedSignature.distinctParties(signatures)
        let admission = Admission(declaration: .revocation(revocation), id: id, newSigners: distinct.map(\.party), wouldPass: false)
        return Validated(kind: .revocation(revocation, next: next), envelope: envelope, id: id, newSignatures: distinct, admission: admission)
    }
}

extension Registry {
    /// Records a validated amendment submission at `index`; if it passes, its charter takes over after
    /// this entry and every other open amendment is superseded (they amend a charter no longer current).
    mutating func commit(_ amendment: Amendment, existing: AmendmentRecord?, passes: Bool, _ v: Validated, index: UInt64, at now: Millis, changes: inout Changes) -> DeclarationReceipt {
        let before = Set(existing?.signerParties ?? [])
        var record = existing ?? AmendmentRecord(
            id: v.id, amendment: amendment, payload: v.envelope.payload,
            envelope: Envelope(payloadType: v.envelope.payloadType, payload: v.envelope.payload), signers: [],
            state: .open, openedAt: index)
        record.envelope.signatures += v.newSignatures.map { EnvelopeSignature(keyID: $0.key.keyID, sig: $0.signature.sig) }
        record.signers += v.newSignatures.map { SignerRecord(party: $0.party, keyID: $0.key.keyID, index: index, time: now) }
        if passes {
            record.state = .passed
            record.passedAt = index
            record.closedAt = index
        }
        amendmentsByID[v.id] = record
        changes.touch(.amendment(v.id))
        if existing == nil { changes.events.append(.motionOpened(id: v.id, index: index)) }
        for party in VerifiedSignature.distinctParties(v.newSignatures).map(\.party) where !before.contains(party) {
            changes.events.append(.motionSigned(id: v.id, party: party, index: index))
        }
        if passes {
            changes.events.append(.motionPassed(id: v.id, index: index))
            adopt(amendment.charter, index: index, cause: v.id, changes: &changes)
            let overtaken = amendmentsByID.values.filter { $0.state == .open && $0.id != v.id }
            for var other in overtaken.sorted(by: { ($0.openedAt, $0.id) < ($1.openedAt, $1.id) }) {
                other.state = .superseded
                other.closedAt = index
                amendmentsByID[other.id] = other
                changes.touch(.amendment(other.id))
                changes.events.append(.motionSuperseded(id: other.id, index: index))
            }
        }
        return DeclarationReceipt(id: v.id, kind: "amendment", state: record.state.rawValue, signers: record.signerParties, index: index)
    }

    /// Carries out a validated revocation at `index`: the charter without its keys takes over after this entry.
    mutating func commit(_ revocation: Revocation, next: Charter, _ v: Validated, index: UInt64, changes: inout Changes) -> DeclarationReceipt {
        adopt(next, index: index, cause: v.id, changes: &changes)
        return DeclarationReceipt(id: v.id, kind: "revocation", state: nil, signers: v.newSignatures.map(\.party), index: index)
    }
}
