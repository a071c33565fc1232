import BrakeCore
import Testing

/// The difference between two charters, as a signer reads it before signing an amendment: every
/// change the signed bytes make is listed, in a stable order, and nothing else.
@Suite("Charter difference")
struct CharterDifferenceTests {
    static func key(_ n: UInt8) throws -> PublicKey { try SigningKey(seed: seed(n)).publicKey }

    static func node(_ id: String, party: String, port: Int, key: UInt8) throws -> NodeInfo {
        NodeInfo(
            id: id, party: party, address: "127.0.0.1:\(port)", tlsPin: String(repeating: "\(key % 10)", count: 64),
            checkpointKey: try Self.key(key + 100))
    }

    static func base() throws -> Charter {
        Charter(
            federation: "pact",
            parties: [
                Party(id: "lab-a", name: "Lab A", partyClass: .lab, keys: [try key(1)]),
                Party(id: "lab-b", name: "Lab B", partyClass: .lab, keys: [try key(2)]),
                Party(id: "gov-a", name: "Gov A", partyClass: .government, keys: [try key(3)]),
            ],
            nodes: [try node("node-1", party: "lab-a", port: 7401, key: 1), try node("node-2", party: "lab-b", port: 7402, key: 2)],
            trigger: PolicyRule(clauses: [PolicyClause(atLeast: 2)]),
            lift: PolicyRule(clauses: [PolicyClause(atLeast: 2), PolicyClause(atLeast: 1, partyClass: .government)]),
            amend: PolicyRule(clauses: [PolicyClause(atLeast: 3)]),
            motionLifetimeSeconds: 86_400, attestationIntervalSeconds: 3_600)
    }

    @Test("the same charter has no difference")
    func same() throws {
        let charter = try Self.base()
        #expect(CharterDifference(from: charter, to: charter).isEmpty)
        #expect(CharterDifference(from: charter, to: charter).lines == [])
    }

    @Test("a party joining with its node, and a key rotated, read as what they do")
    func joinAndRotate() throws {
        let old = try Self.base()
        var next = old
        next.parties.append(Party(id: "lab-c", name: "Lab C", partyClass: .lab, keys: [try Self.key(4)]))
        next.nodes.append(try Self.node("node-3", party: "lab-c", port: 7403, key: 3))
        next.parties[0].keys = [try Self.key(5)]
        let difference = CharterDifference(from: old, to: next)
        #expect(difference.lines == [
            "+ party lab-c \"Lab C\" (lab), keys \(try Self.key(4).keyID)",
            "- key \(try Self.key(1).keyID) of party lab-a (revoked from then on)",
            "+ key \(try Self.key(5).keyID) of party lab-a",
            "+ node node-3 of party lab-c at 127.0.0.1:7403, tls pin \(String(repeating: "3", count: 64))",
        ])
    }

    @Test("removals, node changes, policies and durations, in a stable order")
    func everythingElse() throws {
        let old = try Self.base()
        var next = old
        next.parties.removeAll { $0.id == "lab-b" }
        next.nodes.removeAll { $0.id == "node-2" }
        next.nodes[0].address = "10.0.0.1:7401"
        next.parties[1].name = "Government A"
        next.trigger = PolicyRule(clauses: [PolicyClause(atLeast: 1, partyClass: .government)])
        next.pauseSunsetSeconds = 604_800
        next.maxClockSkewSeconds = 60
        let lines = CharterDifference(from: old, to: next).lines
        #expect(lines == [
            "- party lab-b \"Lab B\" (lab); its keys \(try Self.key(2).keyID) are revoked",
            "~ party gov-a name: \"Gov A\" -> \"Government A\"",
            "- node node-2 of party lab-b at 127.0.0.1:7402",
            "~ node node-1 address: 127.0.0.1:7401 -> 10.0.0.1:7401",
            "~ trigger policy: at least 2 parties of any class -> at least 1 government",
            "~ pauseSunsetSeconds: unset -> 604800",
            "~ maxClockSkewSeconds: unset -> 60",
        ])
    }

    @Test("text from the charter is escaped, so a name cannot rewrite what the signer reads")
    func escaped() throws {
        let old = try Self.base()
        var next = old
        next.parties[0].name = "Lab A\u{202E}txet"
        let lines = CharterDifference(from: old, to: next).lines
        #expect(lines == ["~ party lab-a name: \"Lab A\" -> \"Lab A\\u{202E}txet\""])
    }
}
