/// The kind of a party, which policy clauses count by.
public enum PartyClass: String, Sendable, Codable, CaseIterable {
    /// An AI developer.
    case lab
    /// A government or regulator.
    case government
    /// A party without a special role (counted by "any" clauses only).
    case observer
}

/// A member of the federation: who may sign declarations, and with which keys.
public struct Party: Sendable, Hashable, Codable {
    /// Stable id used in declarations and policy counts (`lab-a`).
    public var id: String
    /// Display name.
    public var name: String
    /// The party's class (JSON `"class"`).
    public var partyClass: PartyClass
    /// The Ed25519 keys whose signatures count as this party's (JSON: base64 strings).
    public var keys: [PublicKey]

    /// Creates a party.
    public init(id: String, name: String, partyClass: PartyClass, keys: [PublicKey]) {
        self.id = id
        self.name = name
        self.partyClass = partyClass
        self.keys = keys
    }

    /// Decodes the charter's JSON form of a party.
    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder) }
    /// Encodes the charter's JSON form of a party.
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

extension Party: JSONConvertible {
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "party", code: .invalidCharter)
        try f.finish(known: ["id", "name", "class", "keys"])
        id = try f.string("id")
        name = try f.string("name")
        let className = try f.string("class")
        guard let partyClass = PartyClass(rawValue: className) else {
            throw f.error("unknown class \"\(className)\" of party \"\(id)\" (expected lab, government or observer)")
        }
        self.partyClass = partyClass
        keys = []
        for text in try f.strings("keys") {
            do {
                keys.append(try PublicKey(base64: text))
            } catch {
                throw f.error("party \"\(id)\" has an invalid key: \(error.message)")
            }
        }
    }

    var json: JSONValue {
        .object([
            "id": .string(id), "name": .string(name), "class": .string(partyClass.rawValue),
            "keys": .strings(keys.map(\.base64)),
        ])
    }
}
