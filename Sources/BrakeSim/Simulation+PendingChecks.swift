import BrakeCore
import BrakeReplica

/// The self-certifying trigger's invariants (Specs/gossip.md), checked after every step without
/// the core's logic: each pooled trigger's signatures are verified with plain Ed25519 against the
/// charter's keys (once per signature), the parties the registry recorded come from the policy
/// audit of the committed entries, and the charter's policy decides.
///
/// - No node reports a pending pause for a trigger whose signatures do not meet the policy.
/// - Every node that holds a trigger whose signatures meet the policy, not expired by its clock,
///   answers `check` for its scope `paused` or `unknown`, never `clear`.
extension Simulation {
    mutating func checkPendingVerdicts() {
        let charter = federation.charter
        for i in 0..<nodeCount {
            guard let replica = nodes[i].replica, replica.pool.count > 0 else { continue }
            let time = nodes[i].time
            let applied = nodes[i].applied
            let reported = Set(replica.pendingTriggers.map(\.id))
            for id in replica.pool.entries.keys.sorted() {
                guard let entry = replica.pool.entries[id],
                      let motion = try? Motion.parse(payload: entry.payload), motion.kind == .trigger,
                      motion.federation.utf8.elementsEqual(charter.federation.utf8) else {
                    if reported.contains(id) { fail(.policySafety, "\(nodes[i].id) reports a pending pause for \(id.prefix(12)), which is no trigger of this federation") }
                    continue
                }
                let parties = auditedParties(of: entry.envelope).union(audit.signers(of: id, through: applied))
                let satisfied = charter.trigger.isSatisfied(by: parties, in: charter)
                if reported.contains(id), !satisfied {
                    fail(.policySafety, "\(nodes[i].id) reports trigger \(id.prefix(12)) of \(motion.scope) as pending paused, but only \(parties.sorted()) validly signed it (\(charter.trigger.summary))")
                    return
                }
                guard satisfied, time.wall < motion.expires else { continue }
                let verdict = replica.localCheck(motion.scope, maxStalenessMillis: 5_000, at: time)
                if verdict.verdict == .clear {
                    fail(.policySafety, "\(nodes[i].id) holds trigger \(id.prefix(12)) of \(motion.scope) signed by \(parties.sorted()), which meets the trigger policy, yet answers clear")
                    return
                }
            }
        }
    }

    /// The parties whose charter keys made the envelope's signatures, by plain Ed25519 (each
    /// signature verified once per run).
    mutating func auditedParties(of envelope: Envelope) -> Set<String> {
        let pae = envelope.pae
        var parties = Set<String>()
        for signature in envelope.signatures {
            let key = signature.sig + Array(sha256Hex(pae).utf8)
            if let known = auditedSignatures[key] {
                if let party = known { parties.insert(party) }
                continue
            }
            var found: String?
            for party in federation.charter.parties where found == nil {
                if party.keys.contains(where: { $0.isValidSignature(signature.sig, for: pae) }) { found = party.id }
            }
            auditedSignatures[key] = .some(found)
            if let found { parties.insert(found) }
        }
        return parties
    }
}
