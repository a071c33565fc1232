import BrakeCore
import Foundation
import Testing

/// The TLS pin of the dev node in the tests: SHA-256 of the ASCII bytes `tls key of node-1`.
let devNodePin = sha256Hex(utf8("tls key of node-1"))
/// The dev node's checkpoint key in the tests: the Ed25519 key of seed 32 × `0x04`.
let devCheckpointKey = try! SigningKey(seed: seed(4)).publicKey

/// The development federation used across the tests: seeds 1, 2, 3 for lab-a, lab-b, gov-a; node-1
/// with `devNodePin` and `devCheckpointKey`.
let dev = try! DevFederation.make(
    seeds: [seed(1), seed(2), seed(3)], nodeAddress: "127.0.0.1:7401",
    tlsPin: devNodePin, checkpointKey: devCheckpointKey
)

/// The signing key of a dev party.
func devKey(_ party: String) -> SigningKey {
    dev.keys.first { $0.party == party }!.key
}

@Suite("Charter")
struct CharterTests {
    @Test func devFederationVerifies() throws {
        let charter = try Charter.verify(dev.envelope)
        #expect(charter == dev.charter)
        #expect(charter.parties.map(\.id) == ["lab-a", "lab-b", "gov-a"])
        #expect(charter.lift.summary == "at least 2 parties of any class and at least 1 government")
        #expect(charter.trigger.summary == "at least 2 parties of any class")
        #expect(charter.party(owning: devKey("gov-a").publicKey)?.id == "gov-a")
        #expect(charter.id.count == 64)
        // The worked example of Specs/registry.md 15.1.
        #expect(charter.id == "85eb158a8d17a648190dc8e055ab2444181d93cfca981e556188eaec26c3d54d")
        #expect(charter.payloadBytes().count == 844)
        // The payload is canonical: parsing and re-encoding gives the same bytes.
        #expect(try Charter.parse(payload: dev.envelope.payload).payloadBytes() == dev.envelope.payload)
    }

    @Test func payloadFormat() throws {
        let text = String(decoding: dev.charter.payloadBytes(), as: UTF8.self)
        #expect(text.hasPrefix(#"{"attestationIntervalSeconds":86400,"federation":"brake-dev","motionLifetimeSeconds":604800,"nodes":[{"address":"127.0.0.1:7401","checkpointKey":"\#(devCheckpointKey.base64)","id":"node-1","party":"lab-a","tlsPin":"\#(devNodePin)"}],"parties":[{"class":"lab","id":"lab-a","keys":[""#))
        #expect(text.contains(#""pauseSunsetSeconds":null,"policies":{"amend":{"clauses":[{"atLeast":3,"class":"any"}]},"lift":{"clauses":[{"atLeast":2,"class":"any"},{"atLeast":1,"class":"government"}]}"#))
    }

    /// Each broken charter is rejected with a message naming its problem.
    @Test(arguments: [
        ("duplicate party", "duplicate party id \"lab-a\""),
        ("duplicate node", "duplicate node id \"node-1\""),
        ("shared key", "is used by both \"lab-a\" and \"lab-b\""),
        ("key twice", "lists key"),
        ("node of unknown party", "unknown party \"lab-z\""),
        ("impossible rule", "cannot be met"),
        ("zero clause", "atLeast 0"),
        ("no clause", "has no clause"),
        ("empty federation", "federation id is empty"),
        ("no party", "no party"),
        ("zero lifetime", "motionLifetimeSeconds"),
        ("zero clock skew", "maxClockSkewSeconds"),
        ("clock skew above an hour", "maxClockSkewSeconds"),
        ("zero pending bound", "maxPendingSeconds"),
        ("pending bound above a day", "maxPendingSeconds"),
    ])
    func validationNamesTheProblem(problem: String, expected: String) {
        var c = dev.charter
        switch problem {
        case "duplicate party": c.parties[1].id = "lab-a"
        case "duplicate node": c.nodes.append(c.nodes[0])
        case "shared key": c.parties[1].keys = c.parties[0].keys
        case "key twice": c.parties[0].keys += c.parties[0].keys
        case "node of unknown party": c.nodes[0].party = "lab-z"
        case "impossible rule": c.lift.clauses[1] = PolicyClause(atLeast: 2, partyClass: .government)
        case "zero clause": c.trigger.clauses[0].atLeast = 0
        case "no clause": c.amend.clauses = []
        case "empty federation": c.federation = ""
        case "no party": c.parties = []; c.nodes = []
        case "zero lifetime": c.motionLifetimeSeconds = 0
        case "zero clock skew": c.maxClockSkewSeconds = 0
        case "clock skew above an hour": c.maxClockSkewSeconds = 3_601
        case "zero pending bound": c.maxPendingSeconds = 0
        case "pending bound above a day": c.maxPendingSeconds = 86_401
        default: Issue.record("unknown case")
        }
        let error = brakeError { () throws(BrakeError) in try c.validate() }
        #expect(error?.code == .invalidCharter)
        #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
        // The same problem is caught when parsing the payload.
        let parsed = brakeError { () throws(BrakeError) in try Charter.parse(payload: c.payloadBytes()) }
        #expect(parsed?.code == .invalidCharter)
    }

    /// `maxClockSkewSeconds` is the one optional field: a charter without it (every charter signed
    /// before it existed, the worked example included) keeps its bytes and allows the default; one
    /// with it writes it in canonical position and round-trips.
    /// `maxPendingSeconds` is optional too (Specs/gossip.md): absent, the charter keeps its bytes
    /// and the default bound holds; present, it round-trips.
    @Test func pendingBoundIsOptionalAndRoundTrips() throws {
        #expect(dev.charter.maxPendingSeconds == nil)
        #expect(dev.charter.pendingSeconds == Charter.defaultPendingSeconds)
        #expect(!String(decoding: dev.charter.payloadBytes(), as: UTF8.self).contains("maxPendingSeconds"))
        var c = dev.charter
        c.maxPendingSeconds = 45
        let parsed = try Charter.parse(payload: c.payloadBytes())
        #expect(parsed == c)
        #expect(parsed.pendingSeconds == 45)
        #expect(parsed.id != dev.charter.id)
    }

    @Test func clockSkewIsOptionalAndRoundTrips() throws {
        #expect(dev.charter.maxClockSkewSeconds == nil)
        #expect(dev.charter.clockSkewSeconds == Charter.defaultClockSkewSeconds)
        #expect(!String(decoding: dev.charter.payloadBytes(), as: UTF8.self).contains("maxClockSkewSeconds"))
        var c = dev.charter
        c.maxClockSkewSeconds = 30
        let text = String(decoding: c.payloadBytes(), as: UTF8.self)
        #expect(text.contains(#""federation":"brake-dev","maxClockSkewSeconds":30,"motionLifetimeSeconds":604800"#), "\(text)")
        let parsed = try Charter.parse(payload: c.payloadBytes())
        #expect(parsed == c)
        #expect(parsed.clockSkewMillis == 30_000)
        #expect(parsed.id != dev.charter.id)
        let wrongType = text.replacingOccurrences(of: #""maxClockSkewSeconds":30"#, with: #""maxClockSkewSeconds":"30s""#)
        #expect(brakeError { () throws(BrakeError) in try Charter.parse(payload: utf8(wrongType)) }?.code == .invalidCharter)
    }

    @Test func unknownClassIsNamed() {
        let text = String(decoding: dev.charter.payloadBytes(), as: UTF8.self)
            .replacingOccurrences(of: #""class":"government""#, with: #""class":"regulator""#)
        let error = brakeError { () throws(BrakeError) in try Charter.parse(payload: utf8(text)) }
        #expect(error?.code == .invalidCharter)
        #expect(error?.message.contains("unknown class \"regulator\"") == true)
    }

    @Test(arguments: [
        (#"{"federation":"x"}"#, "invalid_charter"),
        ("not json", "malformed_json"),
    ])
    func malformedPayloads(text: String, code: String) {
        #expect(brakeError { () throws(BrakeError) in try Charter.parse(payload: utf8(text)) }?.code.rawValue == code)
    }

    @Test func missingFoundingSignatureIsNamed() {
        var envelope = dev.charter.unsignedEnvelope().signed(with: devKey("lab-a")).signed(with: devKey("gov-a"))
        let error = brakeError { () throws(BrakeError) in try Charter.verify(envelope) }
        #expect(error?.code == .charterUnsigned)
        #expect(error?.message.contains("lab-b") == true)
        #expect(error?.message.contains("lab-a") == false)

        // A second signature by lab-a does not stand in for lab-b: it is refused outright.
        envelope = envelope.signed(with: devKey("lab-a"))
        #expect(brakeError { () throws(BrakeError) in try Charter.verify(envelope) }?.code == .duplicateSignature)
        #expect(brakeError { () throws(BrakeError) in try Charter.verify(dev.charter.unsignedEnvelope()) }?.code == .charterUnsigned)
    }

    @Test func foreignAndBadSignatures() throws {
        let stranger = try SigningKey(seed: seed(99))
        var foreign = dev.envelope
        foreign.signatures[0] = EnvelopeSignature(keyID: stranger.publicKey.keyID, sig: stranger.signature(for: foreign.pae))
        #expect(brakeError { () throws(BrakeError) in try Charter.verify(foreign) }?.code == .unknownKey)
        // One signature more than the charter has keys is refused before any is verified.
        #expect(brakeError { () throws(BrakeError) in try Charter.verify(dev.envelope.signed(with: stranger)) }?.code == .tooManySignatures)

        var bad = dev.envelope
        bad.signatures[1].sig[0] ^= 1
        #expect(brakeError { () throws(BrakeError) in try Charter.verify(bad) }?.code == .badSignature)

        // A wrong keyid hint is harmless: verification tries every key.
        var misHinted = dev.envelope
        misHinted.signatures[0].keyID = devKey("lab-b").publicKey.keyID
        misHinted.signatures[1].keyID = nil
        #expect(try Charter.verify(misHinted) == dev.charter)
        // But two hints naming one key are refused: each key signs once.
        misHinted.signatures[1].keyID = devKey("lab-b").publicKey.keyID
        #expect(brakeError { () throws(BrakeError) in try Charter.verify(misHinted) }?.code == .duplicateSignature)

        var retyped = dev.envelope
        retyped.payloadType = "application/json"
        #expect(brakeError { () throws(BrakeError) in try Charter.verify(retyped) }?.code == .wrongPayloadType)
    }

    /// A dev-like charter in which lab-a lists `labAKeys`, signed by `signers`.
    static func charter(labAKeys: [PublicKey], signedBy signers: [SigningKey]) -> Envelope {
        var draft = dev.charter
        draft.parties[0].keys = labAKeys
        return signers.reduce(draft.unsignedEnvelope()) { $0.signed(with: $1) }
    }

    /// Proof of possession: every key a charter lists must have signed it. A party cannot list a key it
    /// does not hold next to its own, even though its own signature makes it a signer.
    @Test func everyListedKeyMustSignTheCharter() throws {
        let second = try SigningKey(seed: seed(11))
        let keys = [devKey("lab-a").publicKey, second.publicKey]
        let others = [devKey("lab-b"), devKey("gov-a")]

        let proven = Self.charter(labAKeys: keys, signedBy: [devKey("lab-a"), second] + others)
        #expect(try Charter.verify(proven).parties[0].keys == keys)

        let unproven = Self.charter(labAKeys: keys, signedBy: [devKey("lab-a")] + others)
        let error = brakeError { () throws(BrakeError) in try Charter.verify(unproven) }
        #expect(error?.code == .unprovenKey)
        #expect(error?.message.contains(second.publicKey.keyID) == true)
        #expect(error?.message.contains("\"lab-a\"") == true)
    }

    /// 32 bytes that encode no curve point pass the key's byte checks, but no one can sign under them,
    /// so no charter can list them.
    @Test func aKeyThatIsNoPointCannotBeListed() throws {
        let noPoint = try PublicKey(rawRepresentation: hexBytes("02" + String(repeating: "00", count: 31)))
        let envelope = Self.charter(labAKeys: [devKey("lab-a").publicKey, noPoint], signedBy: dev.keys.map(\.key))
        let error = brakeError { () throws(BrakeError) in try Charter.verify(envelope) }
        #expect(error?.code == .unprovenKey)
        #expect(error?.message.contains(noPoint.keyID) == true)
    }

    /// A party that did not sign at all is still `charter_unsigned`, named.
    @Test func aPartyWithoutSignatureIsNamedFirst() {
        let envelope = Self.charter(labAKeys: [devKey("lab-a").publicKey], signedBy: [devKey("lab-a"), devKey("gov-a")])
        let error = brakeError { () throws(BrakeError) in try Charter.verify(envelope) }
        #expect(error?.code == .charterUnsigned && error?.message.contains("lab-b") == true)
    }
}

@Suite("Policy counting")
struct PolicyTests {
    /// A charter with two labs, two governments and an observer; lab-a has two keys.
    static let charter: Charter = {
        func party(_ id: String, _ c: PartyClass, _ seeds: [UInt8]) -> Party {
            Party(id: id, name: id, partyClass: c, keys: seeds.map { try! SigningKey(seed: seed($0)).publicKey })
        }
        return Charter(
            federation: "f",
            parties: [party("lab-a", .lab, [1, 11]), party("lab-b", .lab, [2]), party("gov-a", .government, [3]),
                      party("gov-b", .government, [4]), party("obs", .observer, [5])],
            nodes: [],
            trigger: PolicyRule(clauses: [PolicyClause(atLeast: 2)]),
            lift: PolicyRule(clauses: [PolicyClause(atLeast: 3), PolicyClause(atLeast: 2, partyClass: .government)]),
            amend: PolicyRule(clauses: [PolicyClause(atLeast: 1, partyClass: .lab), PolicyClause(atLeast: 1, partyClass: .government)]),
            motionLifetimeSeconds: 60, attestationIntervalSeconds: 60)
    }()

    @Test(arguments: [
        // (rule, parties, satisfied)
        ("trigger", ["lab-a"], false),
        ("trigger", ["lab-a", "lab-a"], false),
        ("trigger", ["lab-a", "obs"], true),
        ("trigger", ["lab-a", "nobody"], false),
        ("lift", ["lab-a", "lab-b", "gov-a"], false),
        ("lift", ["lab-a", "gov-b", "gov-a"], true),
        ("lift", ["gov-a", "gov-b"], false),
        ("amend", ["lab-b", "gov-b"], true),
        ("amend", ["lab-a", "lab-b", "obs"], false),
    ])
    func clauses(rule: String, parties: [String], satisfied: Bool) throws {
        let c = Self.charter
        try c.validate()
        let r = rule == "trigger" ? c.trigger : rule == "lift" ? c.lift : c.amend
        #expect(r.isSatisfied(by: Set(parties), in: c) == satisfied)
    }

    /// Signatures count per party: lab-a signing with both of its keys is one party; one key signing
    /// twice is refused (`duplicate_signature`).
    @Test func twoKeysOfOnePartyCountOnce() throws {
        let c = Self.charter
        let envelope = Envelope(payloadType: "t", payload: utf8("x"))
            .signed(with: try SigningKey(seed: seed(1)))
            .signed(with: try SigningKey(seed: seed(11)))
        let twice = envelope.signed(with: try SigningKey(seed: seed(1)))
        #expect(brakeError { () throws(BrakeError) in try c.verifiedSignatures(of: twice) }?.code == .duplicateSignature)
        let verified = try c.verifiedSignatures(of: envelope)
        #expect(verified.map(\.party) == ["lab-a", "lab-a"])
        let distinct = VerifiedSignature.distinctParties(verified)
        #expect(distinct.count == 1)
        #expect(!c.trigger.isSatisfied(by: Set(distinct.map(\.party)), in: c))
        let withObserver = try c.verifiedSignatures(of: envelope.signed(with: try SigningKey(seed: seed(5))))
        #expect(c.trigger.isSatisfied(by: Set(withObserver.map(\.party)), in: c))
    }
}
