extension Charter {
    /// The largest duration a charter may set, so that times in milliseconds never overflow (100 years).
    static let maxSeconds: Int64 = 100 * 366 * 86_400

    /// Checks the rules every charter must follow, naming the first problem (`invalid_charter`):
    /// a non-empty federation and party list; party ids and node ids of 1 to 64 `a-z 0-9 . _ -`
    /// (ASCII, so each has one spelling and compares the same everywhere); unique party ids, node ids
    /// and keys (a key listed twice, by one party or two, would blur who signed); every party has a
    /// key; every node belongs to a party, has an address `HOST:PORT` (port 1 to 65535) and a
    /// well-formed TLS pin (64 lowercase hex) that no other node has, and a checkpoint key that no
    /// other node and no party uses; every policy has clauses, each with `atLeast >= 1`, and can be
    /// met by the parties the charter lists (a rule nobody can meet would make a brake that cannot be
    /// pressed or released); durations positive and below 100 years.
    public func validate() throws(BrakeError) {
        func fail(_ message: String) -> BrakeError { BrakeError(.invalidCharter, message) }
        guard !federation.isEmpty else { throw fail("the federation id is empty") }
        guard !parties.isEmpty else { throw fail("the charter lists no party") }

        var partyIDs = Set<String>()
        var keyOwners: [PublicKey: String] = [:]
        for party in parties {
            guard Bytes.isIdentifier(party.id) else {
                throw fail("party id \"\(party.id)\" must be 1 to 64 of a-z, 0-9, '.', '_' and '-'")
            }
            guard partyIDs.insert(party.id).inserted else { throw fail("duplicate party id \"\(party.id)\"") }
            guard !party.keys.isEmpty else { throw fail("party \"\(party.id)\" has no key") }
            for key in party.keys {
                if let owner = keyOwners[key] {
                    throw fail(owner == party.id
                        ? "party \"\(party.id)\" lists key \(key.keyID) twice"
                        : "key \(key.keyID) is used by both \"\(owner)\" and \"\(party.id)\"")
                }
                keyOwners[key] = party.id
            }
        }

        var nodeIDs = Set<String>()
        var pinOwners: [String: String] = [:]
        var checkpointKeyOwners: [PublicKey: String] = [:]
        for node in nodes {
            guard Bytes.isIdentifier(node.id) else {
                throw fail("node id \"\(node.id)\" must be 1 to 64 of a-z, 0-9, '.', '_' and '-'")
            }
            guard nodeIDs.insert(node.id).inserted else { throw fail("duplicate node id \"\(node.id)\"") }
            guard Bytes.isIdentifier(node.party), partyIDs.contains(node.party) else {
                throw fail("node \"\(node.id)\" belongs to unknown party \"\(node.party)\"")
            }
            try node.validateEntry()
            // Two nodes behind one TLS key could each claim to be the other.
            if let owner = pinOwners[node.tlsPin] {
                throw fail("node \"\(node.id)\" has the same TLS pin as node \"\(owner)\"")
            }
            pinOwners[node.tlsPin] = node.id
            if let owner = checkpointKeyOwners[node.checkpointKey] {
                throw fail("node \"\(node.id)\" has the same checkpoint key as node \"\(owner)\"")
            }
            checkpointKeyOwners[node.checkpointKey] = node.id
            // A cosignature must never double as a party's signature on a declaration.
            if let owner = keyOwners[node.checkpointKey] {
                throw fail("node \"\(node.id)\" uses the signing key of party \"\(owner)\" as its checkpoint key")
            }
        }

        for (name, rule) in [("trigger", trigger), ("lift", lift), ("amend", amend)] {
            guard !rule.clauses.isEmpty else { throw fail("the \(name) policy has no clause") }
            for clause in rule.clauses where clause.atLeast < 1 {
                throw fail("the \(name) policy has a clause with atLeast \(clause.atLeast); it must be at least 1")
            }
            // Clauses only ever grow easier with more signers, so a rule is satisfiable at all exactly
            // when every party signing together satisfies it.
            guard rule.isSatisfied(by: partyIDs, in: self) else {
                throw fail("the \(name) policy (\(rule.summary)) cannot be met by the parties of this charter")
            }
        }

        guard (1...Self.maxSeconds).contains(motionLifetimeSeconds) else {
            throw fail("motionLifetimeSeconds must be between 1 and \(Self.maxSeconds)")
        }
        guard (1...Self.maxSeconds).contains(attestationIntervalSeconds) else {
            throw fail("attestationIntervalSeconds must be between 1 and \(Self.maxSeconds)")
        }
        if let sunset = pauseSunsetSeconds, !(1...Self.maxSeconds).contains(sunset) {
            throw fail("pauseSunsetSeconds must be null or between 1 and \(Self.maxSeconds)")
        }
        if let skew = maxClockSkewSeconds, !(1...Self.maxClockSkewLimit).contains(skew) {
            throw fail("maxClockSkewSeconds must be absent or between 1 and \(Self.maxClockSkewLimit)")
        }
        if let bound = maxPendingSeconds, !(1...Self.maxPendingLimit).contains(bound) {
            throw fail("maxPendingSeconds must be absent or between 1 and \(Self.maxPendingLimit)")
        }
    }
}

extension Charter: JSONConvertible {
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "charter", code: .invalidCharter)
        try f.finish(known: [
            "federation", "parties", "nodes", "policies",
            "motionLifetimeSeconds", "attestationIntervalSeconds", "pauseSunsetSeconds", "maxClockSkewSeconds",
            "maxPendingSeconds",
        ])
        federation = try f.string("federation")
        var parties: [Party] = []
        for item in try f.array("parties") { parties.append(try Party(json: item)) }
        self.parties = parties
        var nodes: [NodeInfo] = []
        for item in try f.array("nodes") { nodes.append(try NodeInfo(json: item)) }
        self.nodes = nodes
        let p = try JSONFields(f.value("policies"), what: "charter policies", code: .invalidCharter)
        try p.finish(known: ["trigger", "lift", "amend"])
        trigger = try PolicyRule(json: p.value("trigger"))
        lift = try PolicyRule(json: p.value("lift"))
        amend = try PolicyRule(json: p.value("amend"))
        motionLifetimeSeconds = try f.int("motionLifetimeSeconds")
        attestationIntervalSeconds = try f.int("attestationIntervalSeconds")
        pauseSunsetSeconds = try f.nullableInt("pauseSunsetSeconds")
        // Optional, unlike every other field: charters signed before it existed stay valid.
        maxClockSkewSeconds = f.has("maxClockSkewSeconds") ? try f.int("maxClockSkewSeconds") : nil
        maxPendingSeconds = f.has("maxPendingSeconds") ? try f.int("maxPendingSeconds") : nil
    }

    var json: JSONValue {
        var fields: [JSONKey: JSONValue] = [
            "federation": .string(federation),
            "parties": .array(parties.map(\.json)),
            "nodes": .array(nodes.map(\.json)),
            "policies": .object(["trigger": trigger.json, "lift": lift.json, "amend": amend.json]),
            "motionLifetimeSeconds": .int(motionLifetimeSeconds),
            "attestationIntervalSeconds": .int(attestationIntervalSeconds),
            "pauseSunsetSeconds": .int(pauseSunsetSeconds),
        ]
        // Written only when set, so a charter that omits it re-encodes to the bytes it was signed as.
        if let maxClockSkewSeconds { fields[JSONKey("maxClockSkewSeconds")] = .int(maxClockSkewSeconds) }
        if let maxPendingSeconds { fields[JSONKey("maxPendingSeconds")] = .int(maxPendingSeconds) }
        return .object(fields)
    }
}
