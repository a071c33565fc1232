/// A key an earlier charter listed and the current one does not.
struct RevokedKey: Sendable, Hashable {
    /// The key.
    var key: PublicKey
    /// The party the charter before gave it.
    var party: String
    /// The entry from which it counts no more (the epoch that dropped it).
    var index: UInt64
}

extension Registry {
    /// The charter that judged entry `index`: the genesis charter up to and including the entry at
    /// which the first amendment passed (or revocation committed), the next one after it, and so on.
    /// Entry 0 and any index beyond the applied one are answered with the charter then in force.
    public func charter(at index: UInt64) -> Charter {
        charterHistory.last(where: { $0.index < index })?.charter ?? charterHistory[0].charter
    }

    /// Every amendment, oldest first (by the entry that opened it, then id).
    public var amendments: [AmendmentRecord] {
        amendmentsByID.values.sorted { ($0.openedAt, $0.id) < ($1.openedAt, $1.id) }
    }

    /// The amendment with this id.
    public func amendment(id: String) -> AmendmentRecord? { amendmentsByID[id] }

    /// Whether the key with this key id was revoked (listed by an earlier charter, absent now).
    public func isRevoked(keyID: String) -> Bool {
        revokedKeys.contains { Bytes.same($0.key.keyID, keyID) }
    }

    /// Matches `envelope`'s signatures to the keys that may sign it now, as `Charter.verifiedSignatures`
    /// does: the current charter's keys, and for an amendment (whose payload parses) also the keys its
    /// next charter adds, under the party it gives them. A signature that fails because it is by a
    /// revoked key is `revoked_key`, naming the key, its party and the entry that revoked it, so a
    /// holder of a leaked key learns it is dead. What a pending pool should use instead of the charter's.
    public func verifiedSignatures(of envelope: Envelope, memo: SignatureMemo = .none) throws(BrakeError) -> [VerifiedSignature] {
        if Bytes.same(envelope.payloadType, Amendment.payloadType), let amendment = try? Amendment.parse(payload: envelope.payload) {
            return try verifiedSignatures(of: envelope, under: charter.verifier(adding: amendment.charter), memo: memo)
        }
        return try verifiedSignatures(of: envelope, under: charter, memo: memo)
    }

    func verifiedSignatures(of envelope: Envelope, under verifier: Charter, memo: SignatureMemo) throws(BrakeError) -> [VerifiedSignature] {
        do throws(BrakeError) {
            return try verifier.verifiedSignatures(of: envelope, memo: memo)
        } catch where error.code == .unknownKey || error.code == .badSignature || error.code == .tooManySignatures {
            guard !revokedKeys.isEmpty else { throw error }
            let message = envelope.pae
            for (n, signature) in envelope.signatures.enumerated() {
                let hinted = revokedKeys.filter { r in signature.keyID.map { Bytes.same(r.key.keyID, $0) } ?? false }
                for revoked in hinted + revokedKeys where revoked.key.isValidSignature(signature.sig, for: message) {
                    throw BrakeError(
                        .revokedKey,
                        "signature \(n + 1) is by key \(revoked.key.keyID) of \"\(revoked.party)\", revoked at entry \(revoked.index)")
                }
            }
            throw error
        }
    }

    /// The parties whose recorded signatures count under the current charter: the key that made the
    /// signature is a key the current charter gives that party (so the party is still a party, the key
    /// is not revoked, and a key an amendment would add does not count yet). How open motions and
    /// amendments are judged after the charter changed.
    func countingParties(_ signers: [SignerRecord]) -> Set<String> {
        var owners: [String: String] = [:]
        for party in charter.parties {
            for key in party.keys { owners[key.keyID] = party.id }
        }
        return Set(signers.filter { signer in owners[signer.keyID].map { Bytes.same($0, signer.party) } ?? false }.map(\.party))
    }

    /// Makes `next` the charter in force after entry `index`, caused by the amendment or revocation
    /// `cause`: a new epoch (row `c/<index>`), `charter_amended`, then `key_revoked` for each key the
    /// old charter listed and `next` does not (in the old charter's order). The compliance lookup is
    /// rebuilt under `next`, exactly as a restore would build it.
    mutating func adopt(_ next: Charter, index: UInt64, cause: String, changes: inout Changes) {
        let old = charter
        charterHistory.append(CharterEpoch(index: index, charter: next, cause: cause))
        charter = next
        changes.touch(.charterEpoch(index))
        changes.charterChanged = true
        changes.events.append(.charterAmended(cause: cause, charterID: next.id, index: index))
        let kept = Set(next.allKeys)
        for party in old.parties {
            for key in party.keys where !kept.contains(key) {
                revokedKeys.append(RevokedKey(key: key, party: party.id, index: index))
                changes.events.append(.keyRevoked(party: party.id, keyID: key.keyID, index: index))
            }
        }
        rebuildLookup()
    }

    /// Derives `revokedKeys` from `charterHistory`, after a restore.
    mutating func rebuildRevokedKeys() {
        revokedKeys = []
        for (before, epoch) in zip(charterHistory, charterHistory.dropFirst()) {
            let kept = Set(epoch.charter.allKeys)
            for party in before.charter.parties {
                for key in party.keys where !kept.contains(key) {
                    revokedKeys.append(RevokedKey(key: key, party: party.id, index: epoch.index))
                }
            }
        }
    }

    /// Expires open amendments at or past their expiry (`motion_expired`, as for motions). Amendments
    /// are few, so all are looked at.
    mutating func expireAmendments(at now: Millis, index: UInt64) -> Changes {
        var changes = Changes()
        let expiring = amendmentsByID.values.filter { $0.state == .open && $0.amendment.expires <= now }
        for var record in expiring.sorted(by: { ($0.openedAt, $0.id) < ($1.openedAt, $1.id) }) {
            record.state = .expired
            record.closedAt = index
            amendmentsByID[record.id] = record
            changes.events.append(.motionExpired(id: record.id, index: index))
            changes.touch(.amendment(record.id))
        }
        return changes
    }
}
