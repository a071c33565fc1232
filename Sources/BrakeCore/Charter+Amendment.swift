extension Charter {
    /// Why a policy of this charter cannot be met by its parties, or nil if every policy (trigger,
    /// lift, amend) can be: "the lift policy (at least 2 governments) cannot be met: the charter has
    /// 1 government". A rule is satisfiable at all exactly when every party signing together meets it,
    /// since clauses only grow easier with more signers.
    public func unsatisfiablePolicy() -> String? {
        let ids = Set(parties.map(\.id))
        for (name, rule) in [("trigger", trigger), ("lift", lift), ("amend", amend)] where !rule.isSatisfied(by: ids, in: self) {
            let unmet = rule.clauses.filter { !PolicyRule(clauses: [$0]).isSatisfied(by: ids, in: self) }
            let why = unmet.map { clause in
                let have = parties.count { p in clause.partyClass.map { p.partyClass == $0 } ?? true }
                let noun = clause.partyClass.map { have == 1 ? $0.rawValue : $0.rawValue + "s" } ?? (have == 1 ? "party" : "parties")
                return "\(clause.summary) is needed and the charter has \(have) \(noun)"
            }
            return "the \(name) policy (\(rule.summary)) cannot be met: \(why.joined(separator: "; "))"
        }
        return nil
    }

    /// A charter for verifying an amendment's signatures: this charter's parties and keys, plus every
    /// key `next` adds, under the party `next` gives it. Not a charter to run with (never validated);
    /// only its keys and their owners are used.
    func verifier(adding next: Charter) -> Charter {
        var merged = self
        let known = Set(allKeys)
        for party in next.parties {
            let added = party.keys.filter { !known.contains($0) }
            guard !added.isEmpty else { continue }
            if let i = merged.parties.firstIndex(where: { Bytes.same($0.id, party.id) }) {
                merged.parties[i].keys += added
            } else {
                merged.parties.append(Party(id: party.id, name: party.name, partyClass: party.partyClass, keys: added))
            }
        }
        return merged
    }

    /// The keys `next` lists that this charter does not, with the party `next` gives each, in `next`'s order.
    func keysAdded(by next: Charter) -> [(party: String, key: PublicKey)] {
        let known = Set(allKeys)
        return next.parties.flatMap { party in party.keys.filter { !known.contains($0) }.map { (party.id, $0) } }
    }

    /// This charter without `keys`: what a revocation leaves.
    func removing(_ keys: [PublicKey]) -> Charter {
        var next = self
        let gone = Set(keys)
        for i in next.parties.indices { next.parties[i].keys.removeAll { gone.contains($0) } }
        return next
    }
}
