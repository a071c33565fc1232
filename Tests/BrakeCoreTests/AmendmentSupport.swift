import BrakeCore
import Testing

/// Keys that amendments in the tests add: seeds 10 and up, never a dev party's.
func extraKey(_ n: UInt8) -> SigningKey { try! SigningKey(seed: seed(10 + n)) }

/// The dev charter with `amend` set to "at least `atLeast` parties of any class", and lab-a holding
/// `extraKey(0)` beside its own key, so tests can revoke one of lab-a's two keys.
func amendableCharter(atLeast: Int = 2) -> Charter {
    var charter = dev.charter
    charter.amend = PolicyRule(clauses: [PolicyClause(atLeast: atLeast)])
    charter.parties[0].keys.append(extraKey(0).publicKey)
    return charter
}

extension Harness {
    /// An amendment of the charter in force to `next`, with a unique nonce.
    mutating func amendment(
        to next: Charter, proposer: String = "lab-a", amends: String? = nil, created: Millis = t0, lifetime: Millis = 24 * hour
    ) -> Amendment {
        nonce += 1
        return Amendment(
            federation: registry.charter.federation, amends: amends ?? registry.charter.id, charter: next, proposer: proposer,
            reason: "amendment \(nonce)", created: created, expires: created + lifetime,
            nonce: String(repeating: "1", count: 12) + String(format: "%04x", nonce))
    }

    /// A revocation by `party` of `keys`, with a unique nonce.
    mutating func revocation(of keys: [PublicKey], by party: String = "lab-a", created: Millis = t0) -> Revocation {
        nonce += 1
        return Revocation(
            federation: registry.charter.federation, party: party, keys: keys, reason: "key leaked", created: created,
            nonce: String(repeating: "2", count: 12) + String(format: "%04x", nonce))
    }

    /// Submits and requires refusal with `code`; returns the message. The records must be unchanged.
    @discardableResult
    mutating func refuse(
        _ envelope: Envelope, _ code: BrakeError.Code, at time: Millis = t0, sourceLocation: SourceLocation = #_sourceLocation
    ) -> String {
        let before = recordRows(registry)
        let charter = registry.charter
        let result = submit(envelope, at: time)
        #expect(recordRows(registry) == before, "a refused entry changed records", sourceLocation: sourceLocation)
        #expect(registry.charter == charter && !result.charterChanged, sourceLocation: sourceLocation)
        guard case .rejected(let error) = result.outcome else {
            Issue.record("expected \(code), got \(result.outcome)", sourceLocation: sourceLocation)
            return ""
        }
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error.message
    }
}

/// The envelope of `payload` signed by each key, in order.
func signed(_ envelope: Envelope, _ keys: SigningKey...) -> Envelope {
    keys.reduce(envelope) { $0.signed(with: $1) }
}

/// `charter` with a new party `lab-c` (a lab) holding `extraKey(1)`.
func addingLabC(to charter: Charter) -> Charter {
    var next = charter
    next.parties.append(Party(id: "lab-c", name: "Lab C", partyClass: .lab, keys: [extraKey(1).publicKey]))
    return next
}
