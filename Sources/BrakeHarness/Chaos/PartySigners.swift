import BrakeCore

/// The federation's party keys as the workload uses them: who may sign, and which sets of parties
/// meet a policy.
public struct PartySigners: Sendable {
    /// A party's id, class and signing key.
    public struct Signer: Sendable {
        /// The party id.
        public var party: String
        /// Its class, which policies count.
        public var partyClass: PartyClass
        /// Its private signing key.
        public var key: SigningKey
    }

    /// Every party's signer.
    public var signers: [Signer]
    /// The charter they belong to.
    public var charter: Charter

    /// Signers from the charter and its parties' private keys (party id → key).
    public init(charter: Charter, keys: [String: SigningKey]) throws {
        self.charter = charter
        signers = try charter.parties.map { party in
            guard let key = keys[party.id] else { throw HarnessError(.file, "no private key for party \(party.id)") }
            return Signer(party: party.id, partyClass: party.partyClass, key: key)
        }
    }

    /// A smallest-first random set of signers that meets `policy`: class clauses are served first,
    /// then "any" clauses take whoever is left. Nil if the parties cannot meet it.
    public func meeting(_ policy: PolicyRule, using random: inout SeededRandom) -> [Signer]? {
        var pool = signers
        pool.shuffle(using: &random)
        var chosen: [Signer] = []
        let ordered = policy.clauses.sorted { ($0.partyClass == nil ? 1 : 0) < ($1.partyClass == nil ? 1 : 0) }
        for clause in ordered {
            let matches = { (s: Signer) in clause.partyClass.map { s.partyClass == $0 } ?? true }
            while chosen.count(where: matches) < clause.atLeast {
                guard let next = pool.firstIndex(where: matches) else { return nil }
                chosen.append(pool.remove(at: next))
            }
        }
        return chosen
    }
}
