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

/// A node of the federation, pinned in the charter so that no certificate authority is needed.
public struct NodeInfo: Sendable, Hashable, Codable {
    /// The node's id, also its Raft id.
    public var id: String
    /// The party that operates it.
    public var party: String
    /// Peer address, `host:port`.
    public var address: String
    /// Pin of the node's TLS public key (base64); may be empty while TLS is not configured.
    public var tlsKey: String
    /// The node's checkpoint cosigning key (base64); may be empty.
    public var checkpointKey: String

    /// Creates a node entry.
    public init(id: String, party: String, address: String, tlsKey: String = "", checkpointKey: String = "") {
        self.id = id
        self.party = party
        self.address = address
        self.tlsKey = tlsKey
        self.checkpointKey = checkpointKey
    }

    /// Decodes the charter's JSON form of a node.
    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder) }
    /// Encodes the charter's JSON form of a node.
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

extension NodeInfo: JSONConvertible {
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "node", code: .invalidCharter)
        try f.finish(known: ["id", "party", "address", "tlsKey", "checkpointKey"])
        id = try f.string("id")
        party = try f.string("party")
        address = try f.string("address")
        tlsKey = try f.string("tlsKey")
        checkpointKey = try f.string("checkpointKey")
    }

    var json: JSONValue {
        .object([
            "id": .string(id), "party": .string(party), "address": .string(address),
            "tlsKey": .string(tlsKey), "checkpointKey": .string(checkpointKey),
        ])
    }
}
