/// A node of the federation, pinned in the charter so that no certificate authority is needed.
///
/// JSON (the charter's `nodes` items, and a node's `node.pub.json`):
/// `{"id":"node-1","party":"lab-a","address":"10.0.0.1:7401","tlsPin":"<64 hex>","checkpointKey":"<b64>"}`.
/// Peers accept a TLS connection from a node only when the SHA-256 of the DER SubjectPublicKeyInfo of
/// the key it presents is `tlsPin`, so the charter the parties signed is the only trust root; the
/// checkpoint key is how the node cosigns log checkpoints, so a forked log is signed evidence.
public struct NodeInfo: Sendable, Hashable, Codable {
    /// The node's id, also its Raft id.
    public var id: String
    /// The party that operates it.
    public var party: String
    /// Peer address, `HOST:PORT` (a bracketed IPv6 literal for an IPv6 host); see `endpoint`.
    public var address: String
    /// Lowercase hex (64 characters) of the SHA-256 of the DER SubjectPublicKeyInfo of the node's TLS
    /// public key: what a peer compares the key of a TLS connection with.
    public var tlsPin: String
    /// The node's Ed25519 checkpoint cosigning key (JSON: base64 of the 32 raw bytes). Checked like
    /// party keys when parsed, so a small-order key that would verify every signature never enters.
    public var checkpointKey: PublicKey

    /// Creates a node entry; `Charter.validate()` checks it.
    public init(id: String, party: String, address: String, tlsPin: String, checkpointKey: PublicKey) {
        self.id = id
        self.party = party
        self.address = address
        self.tlsPin = tlsPin
        self.checkpointKey = checkpointKey
    }

    /// Parses one node entry on its own (a `node.pub.json`, before it goes into a charter) and checks
    /// what can be checked without a charter: id, address and pin (`invalid_charter`, naming the node).
    public init(jsonBytes: [UInt8]) throws(BrakeError) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(jsonBytes, what: "node entry")
        } catch {
            throw BrakeError(.invalidCharter, error.message)
        }
        try self.init(json: value)
        try validateEntry()
    }

    /// The entry's canonical JSON bytes (sorted keys, compact), as a charter holds it.
    public func jsonBytes() -> [UInt8] { json.canonicalBytes() }

    /// Host and port of `address`, or nil when it is not `HOST:PORT` as `validateEntry()` requires.
    /// The host of an IPv6 literal comes without its brackets, as a socket address wants it.
    public var endpoint: (host: String, port: Int)? { Self.endpoint(of: address) }

    /// Whether `id` is a well-formed node or party id: 1 to 64 of `a-z 0-9 . _ -`.
    public static func isValidID(_ id: String) -> Bool { Bytes.isIdentifier(id) }

    /// Host and port of a `HOST:PORT` text (a bracketed IPv6 literal for an IPv6 host), or nil.
    public static func endpoint(of address: String) -> (host: String, port: Int)? {
        guard let colon = address.utf8.lastIndex(of: UInt8(ascii: ":")) else { return nil }
        let hostText = address.utf8[..<colon]
        let portText = address.utf8[address.utf8.index(after: colon)...]
        guard (1...5).contains(portText.count), portText.first != UInt8(ascii: "0"),
              portText.allSatisfy({ (0x30...0x39).contains($0) }),
              let port = Int(String(decoding: portText, as: UTF8.self)), (1...65_535).contains(port)
        else { return nil }
        if hostText.first == UInt8(ascii: "[") {
            guard hostText.count > 2, hostText.last == UInt8(ascii: "]") else { return nil }
            let inner = hostText.dropFirst().dropLast()
            let allowed = inner.allSatisfy { c in
                (0x30...0x39).contains(c) || (0x61...0x66).contains(c) || (0x41...0x46).contains(c)
                    || c == UInt8(ascii: ":") || c == UInt8(ascii: ".")
            }
            guard allowed, inner.contains(UInt8(ascii: ":")) else { return nil }
            return (String(decoding: inner, as: UTF8.self), port)
        }
        guard (1...253).contains(hostText.count), hostText.allSatisfy({ c in
            (0x61...0x7a).contains(c) || (0x41...0x5a).contains(c) || (0x30...0x39).contains(c)
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
        }) else { return nil }
        return (String(decoding: hostText, as: UTF8.self), port)
    }

    /// Whether `pin` has the form of a TLS pin: exactly 64 lowercase hex characters. One spelling
    /// per key, so pins compare as strings.
    public static func isWellFormedPin(_ pin: String) -> Bool {
        pin.utf8.count == 64 && Bytes.isLowerHex(pin)
    }

    /// The rules of one entry on its own (`invalid_charter`, naming the node): an id and a party id
    /// of 1 to 64 `a-z 0-9 . _ -`, an address `HOST:PORT` with a port 1 to 65535, a well-formed pin. The rules
    /// that need the whole charter (unique ids, pins and keys; a known party) are `Charter.validate`'s.
    public func validateEntry() throws(BrakeError) {
        func fail(_ message: String) -> BrakeError { BrakeError(.invalidCharter, message) }
        guard Bytes.isIdentifier(id) else {
            throw fail("node id \"\(id)\" must be 1 to 64 of a-z, 0-9, '.', '_' and '-'")
        }
        guard Bytes.isIdentifier(party) else {
            throw fail("node \"\(id)\" names party \"\(party)\"; a party id is 1 to 64 of a-z, 0-9, '.', '_' and '-'")
        }
        guard endpoint != nil else {
            throw fail("node \"\(id)\" has address \"\(address)\"; expected HOST:PORT with a port from 1 to 65535")
        }
        guard !tlsPin.isEmpty else { throw fail("node \"\(id)\" has no TLS pin") }
        guard Self.isWellFormedPin(tlsPin) else {
            throw fail("node \"\(id)\" has a malformed TLS pin; expected 64 lowercase hex characters (SHA-256 of the key's DER SubjectPublicKeyInfo)")
        }
    }

    /// Decodes the charter's JSON form of a node.
    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder) }
    /// Encodes the charter's JSON form of a node.
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

extension NodeInfo: JSONConvertible {
    init(json: JSONValue) throws(BrakeError) {
        let id = try JSONFields(json, what: "node", code: .invalidCharter).string("id")
        // Every later problem names the node, so an operator knows which entry to fix.
        let f = try JSONFields(json, what: "node \"\(id)\"", code: .invalidCharter)
        try f.finish(known: ["id", "party", "address", "tlsPin", "checkpointKey"])
        self.id = id
        party = try f.string("party")
        address = try f.string("address")
        tlsPin = try f.string("tlsPin")
        let keyText = try f.string("checkpointKey")
        guard !keyText.isEmpty else { throw f.error("no checkpoint key") }
        do {
            checkpointKey = try PublicKey(base64: keyText)
        } catch {
            throw f.error("invalid checkpoint key: \(error.message)")
        }
    }

    var json: JSONValue {
        .object([
            "id": .string(id), "party": .string(party), "address": .string(address),
            "tlsPin": .string(tlsPin), "checkpointKey": .string(checkpointKey.base64),
        ])
    }
}
