/// The federation's genesis document: who the parties are, which keys speak for them, which nodes
/// run the log, and which policies a pause, a lift and an amendment must meet.
///
/// A charter travels as a DSSE envelope (`payloadType` = `Charter.payloadType`) signed by every founding
/// party; `verify(_:)` is the only way a charter should enter a running system. The payload is JSON:
///
/// ```json
/// {"federation":"brake-dev",
///  "parties":[{"id":"lab-a","name":"Lab A","class":"lab","keys":["<b64 ed25519 pub>"]}],
///  "nodes":[{"id":"node-1","party":"lab-a","address":"127.0.0.1:7401","tlsPin":"<64 hex>","checkpointKey":"<b64>"}],
///  "policies":{"trigger":{"clauses":[{"atLeast":2,"class":"any"}]},"lift":{…},"amend":{…}},
///  "motionLifetimeSeconds":604800,"attestationIntervalSeconds":86400,"pauseSunsetSeconds":null,
///  "maxClockSkewSeconds":300,"maxPendingSeconds":120}
/// ```
///
/// Every field is required (`pauseSunsetSeconds` may be null) except `maxClockSkewSeconds` and
/// `maxPendingSeconds`, which came later: a charter without one means its default
/// (`defaultClockSkewSeconds`, `defaultPendingSeconds`), and keeps its bytes and id.
/// Unknown fields are rejected. Schema and
/// validation problems are `invalid_charter`; bytes that are not JSON at all are `malformed_json`.
public struct Charter: Sendable, Hashable, Codable {
    /// The payloadType of charter envelopes.
    public static let payloadType = "application/vnd.brake.charter.v1+json"

    /// The federation id; every declaration names it, so a signature cannot be replayed in another federation.
    public var federation: String
    /// The parties, in charter order.
    public var parties: [Party]
    /// The nodes, in charter order.
    public var nodes: [NodeInfo]
    /// What a trigger motion's signers must meet for the pause to take effect.
    public var trigger: PolicyRule
    /// What a lift motion's signers must meet for the pause to end.
    public var lift: PolicyRule
    /// What an amendment of the charter must meet.
    public var amend: PolicyRule
    /// The longest a motion may stay open (`expires - created`), in seconds.
    public var motionLifetimeSeconds: Int64
    /// How often each lab is expected to attest compliance while a pause is in force, in seconds.
    public var attestationIntervalSeconds: Int64
    /// If set, a pause ends by itself this many seconds after it took effect.
    public var pauseSunsetSeconds: Int64?
    /// How far, in seconds, a leader's entry stamp may run ahead of a follower's wall clock, and a
    /// motion's `created` ahead of the stamp of the entry that first records it, as the charter
    /// wrote it: nil when the charter predates the field (see `clockSkewSeconds`). Specs/time.md.
    public var maxClockSkewSeconds: Int64?
    /// How long, in seconds, a valid declaration may wait in a node's pending pool while a leader
    /// heartbeats before the node raises a censorship alarm against that leader, as the charter
    /// wrote it: nil when the charter omits it (see `pendingSeconds`). Specs/gossip.md.
    public var maxPendingSeconds: Int64?

    /// The bound a charter without `maxPendingSeconds` sets: two minutes, many gossip rounds and
    /// election timeouts, so a slow network alone rarely looks like censorship.
    public static let defaultPendingSeconds: Int64 = 120
    /// The largest bound a charter may set: a day.
    public static let maxPendingLimit: Int64 = 86_400
    /// The censorship bound in force: `maxPendingSeconds`, or the default when the charter omits it.
    public var pendingSeconds: Int64 { maxPendingSeconds ?? Self.defaultPendingSeconds }

    /// The skew a charter without `maxClockSkewSeconds` allows: five minutes, far above what NTP
    /// keeps servers to and far below any motion lifetime or sunset worth setting.
    public static let defaultClockSkewSeconds: Int64 = 300
    /// The largest skew a charter may allow: an hour. A larger bound would let a leader whose clock
    /// runs that far ahead expire motions and end sunsets early by that much.
    public static let maxClockSkewLimit: Int64 = 3_600

    /// The clock skew in force: `maxClockSkewSeconds`, or the default when the charter omits it.
    public var clockSkewSeconds: Int64 { maxClockSkewSeconds ?? Self.defaultClockSkewSeconds }
    /// `clockSkewSeconds` in milliseconds, the unit of entry stamps.
    public var clockSkewMillis: Millis { clockSkewSeconds * 1_000 }

    /// Creates a charter; call `validate()` before using one built by hand.
    public init(
        federation: String, parties: [Party], nodes: [NodeInfo],
        trigger: PolicyRule, lift: PolicyRule, amend: PolicyRule,
        motionLifetimeSeconds: Int64, attestationIntervalSeconds: Int64, pauseSunsetSeconds: Int64? = nil,
        maxClockSkewSeconds: Int64? = nil, maxPendingSeconds: Int64? = nil
    ) {
        self.federation = federation
        self.parties = parties
        self.nodes = nodes
        self.trigger = trigger
        self.lift = lift
        self.amend = amend
        self.motionLifetimeSeconds = motionLifetimeSeconds
        self.attestationIntervalSeconds = attestationIntervalSeconds
        self.pauseSunsetSeconds = pauseSunsetSeconds
        self.maxClockSkewSeconds = maxClockSkewSeconds
        self.maxPendingSeconds = maxPendingSeconds
    }

    /// The party with exactly this id (same UTF-8 bytes, not merely canonically equivalent).
    public func party(id: String) -> Party? {
        parties.first { Bytes.same($0.id, id) }
    }

    /// The party that lists `key` among its keys.
    public func party(owning key: PublicKey) -> Party? {
        parties.first { $0.keys.contains(key) }
    }

    /// The node with exactly this id (same UTF-8 bytes).
    public func node(id: String) -> NodeInfo? {
        nodes.first { Bytes.same($0.id, id) }
    }

    /// Every key of every party, in charter order.
    public var allKeys: [PublicKey] { parties.flatMap(\.keys) }

    /// The canonical payload (sorted keys, compact): what founding parties sign.
    public func payloadBytes() -> [UInt8] {
        json.canonicalBytes()
    }

    /// Hex SHA-256 of `payloadBytes()`: names this exact charter, e.g. in registry state.
    public var id: String { Bytes.sha256Hex(payloadBytes()) }

    /// An unsigned envelope of the canonical payload, ready for each founding party to sign.
    public func unsignedEnvelope() -> Envelope {
        Envelope(payloadType: Self.payloadType, payload: payloadBytes())
    }

    /// Parses and validates a charter payload.
    public static func parse(payload: [UInt8]) throws(BrakeError) -> Charter {
        let charter = try Charter(json: JSONValue.parse(payload, what: "charter"))
        try charter.validate()
        return charter
    }

    /// Verifies a charter envelope: payload type, parse and validation, then every signature must be by a
    /// charter key (`unknown_key`, `bad_signature`, at most one per key: see `verifiedSignatures(of:)`),
    /// every party must have signed (`charter_unsigned`, naming who is missing), and every key the
    /// charter lists must have signed it (`unproven_key`, naming the key and its party).
    ///
    /// The last rule is proof of possession: a charter can only list keys whose holders signed it. So no
    /// party can list a key it does not hold (someone else's, to blur who signed) or bytes that are no
    /// Ed25519 point at all (under which nothing verifies), and no library's arithmetic on key bytes is
    /// needed to rule those out.
    public static func verify(_ envelope: Envelope) throws(BrakeError) -> Charter {
        guard Bytes.same(envelope.payloadType, payloadType) else {
            throw BrakeError(.wrongPayloadType, "expected \(payloadType), got \"\(envelope.payloadType)\"")
        }
        let charter = try parse(payload: envelope.payload)
        let verified = try charter.verifiedSignatures(of: envelope)
        let signedParties = Set(verified.map(\.party))
        let missing = charter.parties.map(\.id).filter { !signedParties.contains($0) }
        guard missing.isEmpty else {
            throw BrakeError(.charterUnsigned, "the charter lacks the signature of \(missing.joined(separator: ", "))")
        }
        let signedKeys = Set(verified.map(\.key))
        for party in charter.parties {
            for key in party.keys where !signedKeys.contains(key) {
                throw BrakeError(
                    .unprovenKey,
                    "key \(key.keyID) of party \"\(party.id)\" has not signed the charter; every listed key must sign it")
            }
        }
        return charter
    }

    /// Matches every signature of `envelope` to the charter key that made it.
    ///
    /// The work is bounded by the charter, never by the request: before any signature is verified,
    /// an envelope with more signatures than the charter has keys is `too_many_signatures`, and one
    /// whose signatures repeat (the same signature bytes twice, or two keyid hints naming the same
    /// charter key) is `duplicate_signature`. Each key then verifies at most one signature: the search
    /// for a signature's signer skips keys already matched, so an envelope of `n ≤ k` signatures costs
    /// at most `k` verifications each (`k` the charter's key count), whatever its size.
    ///
    /// The keyid hint only orders the search. A signature that verifies under no unmatched charter key
    /// fails the whole envelope: `duplicate_signature` if it verifies under a key already matched (a
    /// second signature by one key), `bad_signature` if its keyid names a charter key (a forged or
    /// corrupted signature), `unknown_key` otherwise (a stranger's key). Results keep envelope order
    /// and may name a party more than once (a party with several keys); use
    /// `VerifiedSignature.distinctParties` to count.
    public func verifiedSignatures(of envelope: Envelope) throws(BrakeError) -> [VerifiedSignature] {
        try verifiedSignatures(of: envelope) { key, signature, message in key.isValidSignature(signature, for: message) }
    }

    /// `verifiedSignatures(of:)` with the Ed25519 check as a parameter: the seam through which tests count
    /// verifications, to show that refused envelopes cost none.
    func verifiedSignatures(
        of envelope: Envelope, verifying isValid: (PublicKey, [UInt8], [UInt8]) -> Bool
    ) throws(BrakeError) -> [VerifiedSignature] {
        let keys = allKeys
        try checkSignatureBounds(of: envelope, keys: keys)
        let message = envelope.pae
        var used = Set<PublicKey>()
        var out: [VerifiedSignature] = []
        for (n, signature) in envelope.signatures.enumerated() {
            let isHinted = { (key: PublicKey) in signature.keyID.map { Bytes.same(key.keyID, $0) } ?? false }
            let unused = keys.filter { !used.contains($0) }
            let ordered = unused.filter(isHinted) + unused.filter { !isHinted($0) }
            guard let key = ordered.first(where: { isValid($0, signature.sig, message) }), let party = party(owning: key) else {
                if let earlier = keys.first(where: { used.contains($0) && isValid($0, signature.sig, message) }) {
                    throw BrakeError(
                        .duplicateSignature,
                        "signature \(n + 1) is a second signature by key \(earlier.keyID) of \"\(party(owning: earlier)?.id ?? "")\"")
                }
                if let hint = signature.keyID, keys.contains(where: { Bytes.same($0.keyID, hint) }) {
                    throw BrakeError(.badSignature, "signature \(n + 1) does not verify under key \(hint)")
                }
                throw BrakeError(.unknownKey, "signature \(n + 1) is by no key of the charter (keyid \(signature.keyID ?? "absent"))")
            }
            used.insert(key)
            out.append(VerifiedSignature(party: party.id, key: key, signature: signature))
        }
        return out
    }

    /// The checks that need no verification: at most one signature per charter key, no signature bytes
    /// twice, no two keyid hints naming the same charter key.
    private func checkSignatureBounds(of envelope: Envelope, keys: [PublicKey]) throws(BrakeError) {
        guard envelope.signatures.count <= keys.count else {
            throw BrakeError(
                .tooManySignatures,
                "the envelope carries \(envelope.signatures.count) signatures; the charter has \(keys.count) keys, and each may sign once")
        }
        var seenSignatures = Set<[UInt8]>()
        var hintedKeys = Set<PublicKey>()
        for (n, signature) in envelope.signatures.enumerated() {
            guard seenSignatures.insert(signature.sig).inserted else {
                throw BrakeError(.duplicateSignature, "signature \(n + 1) repeats an earlier signature")
            }
            if let hint = signature.keyID, let key = keys.first(where: { Bytes.same($0.keyID, hint) }),
                !hintedKeys.insert(key).inserted
            {
                throw BrakeError(.duplicateSignature, "signature \(n + 1) names key \(hint) again; each key may sign once")
            }
        }
    }

    /// Decodes the payload JSON form (and validates it).
    public init(from decoder: any Decoder) throws {
        self = try Self.decode(from: decoder)
        try validate()
    }
    /// Encodes the payload JSON form.
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

/// A signature matched to the charter key that made it.
public struct VerifiedSignature: Sendable, Hashable {
    /// The party owning the key.
    public var party: String
    /// The key that verified the signature.
    public var key: PublicKey
    /// The signature as it appeared in the envelope.
    public var signature: EnvelopeSignature

    /// Creates a verified signature.
    public init(party: String, key: PublicKey, signature: EnvelopeSignature) {
        self.party = party
        self.key = key
        self.signature = signature
    }

    /// The first signature of each party, in order: how the registry counts and merges signatures.
    public static func distinctParties(_ signatures: [VerifiedSignature]) -> [VerifiedSignature] {
        var seen = Set<String>()
        return signatures.filter { seen.insert($0.party).inserted }
    }
}
