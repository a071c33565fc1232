/// One condition of a policy: at least `atLeast` distinct parties of a class (or of any class).
public struct PolicyClause: Sendable, Hashable, Codable {
    /// The minimum number of distinct parties.
    public var atLeast: Int
    /// The class counted; nil counts every party (JSON `"class":"any"`).
    public var partyClass: PartyClass?

    /// Creates a clause.
    public init(atLeast: Int, partyClass: PartyClass? = nil) {
        self.atLeast = atLeast
        self.partyClass = partyClass
    }

    /// Decodes `{"atLeast":2,"class":"any"}`.
    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder) }
    /// Encodes `{"atLeast":2,"class":"any"}`.
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }

    /// "at least 2 parties of any class", "at least 1 government".
    public var summary: String {
        let noun: String
        switch partyClass {
        case nil: noun = atLeast == 1 ? "party of any class" : "parties of any class"
        case .some(let c): noun = atLeast == 1 ? c.rawValue : c.rawValue + "s"
        }
        return "at least \(atLeast) \(noun)"
    }
}

/// A policy: clauses that must all hold. Used for trigger, lift and amend.
///
/// Counting is by distinct party, never by key or by signature: a party that signs twice, or with two
/// of its keys, counts once. This is the heart of "no party controls the brake".
public struct PolicyRule: Sendable, Hashable, Codable {
    /// The clauses; all must hold. A valid charter never has an empty list.
    public var clauses: [PolicyClause]

    /// Creates a rule.
    public init(clauses: [PolicyClause]) {
        self.clauses = clauses
    }

    /// Whether the distinct parties in `parties` meet every clause. Ids the charter does not know are ignored.
    public func isSatisfied(by parties: Set<String>, in charter: Charter) -> Bool {
        let known = parties.compactMap { charter.party(id: $0) }
        return clauses.allSatisfy { clause in
            let count = known.count { party in clause.partyClass.map { party.partyClass == $0 } ?? true }
            return count >= clause.atLeast
        }
    }

    /// Human description, e.g. "at least 2 parties of any class and at least 1 government".
    public var summary: String {
        clauses.isEmpty ? "no condition" : clauses.map(\.summary).joined(separator: " and ")
    }

    /// Decodes `{"clauses":[…]}`.
    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder) }
    /// Encodes `{"clauses":[…]}`.
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

extension PolicyClause: JSONConvertible {
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "policy clause", code: .invalidCharter)
        try f.finish(known: ["atLeast", "class"])
        let n = try f.int("atLeast")
        guard let atLeast = Int(exactly: n) else { throw f.error("atLeast \(n) is out of range") }
        self.atLeast = atLeast
        let className = try f.string("class")
        if className == "any" {
            partyClass = nil
        } else if let c = PartyClass(rawValue: className) {
            partyClass = c
        } else {
            throw f.error("unknown class \"\(className)\" (expected any, lab, government or observer)")
        }
    }

    var json: JSONValue {
        .object(["atLeast": .int(Int64(atLeast)), "class": .string(partyClass?.rawValue ?? "any")])
    }
}

extension PolicyRule: JSONConvertible {
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "policy", code: .invalidCharter)
        try f.finish(known: ["clauses"])
        var clauses: [PolicyClause] = []
        for item in try f.array("clauses") {
            clauses.append(try PolicyClause(json: item))
        }
        self.clauses = clauses
    }

    var json: JSONValue { .object(["clauses": .array(clauses.map(\.json))]) }
}
