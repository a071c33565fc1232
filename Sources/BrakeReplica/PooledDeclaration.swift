import BrakeCore

/// One declaration in the pending pool: its payload and, per party, the one verified signature
/// the pool holds that the registry has not recorded yet.
public struct PooledDeclaration: Sendable, Hashable {
    /// The declaration id (SHA-256 of the payload).
    public let id: String
    /// The envelope's payloadType.
    public let payloadType: String
    /// The signed payload bytes.
    public let payload: [UInt8]
    /// One verified signature per party, by party id.
    public internal(set) var signatures: [String: VerifiedSignature]
    /// When each party's signature reached this node (monotonic milliseconds): the age the
    /// censorship rule measures.
    public internal(set) var arrivals: [String: Int64]
    /// The signatures this node verified for it, so merging and admitting it again runs no Ed25519.
    var memo: SignatureMemo
    /// The parsed declaration, once the registry admitted it.
    public internal(set) var declaration: Declaration?
    /// Whether committing it now would make its motion pass: the recorded signatures and the
    /// pooled ones together meet the policy (for a trigger: it is self-certifying).
    public internal(set) var wouldPass = false

    /// The parties whose signatures the entry holds, sorted.
    public var parties: [String] { signatures.keys.sorted() }

    /// The motion, for a motion.
    public var motion: Motion? {
        if case .motion(let motion) = declaration { motion } else { nil }
    }

    /// The party a declaration belongs to: a motion's proposer, an attestation's or a review's party.
    public var owner: String? {
        declaration?.owner
    }

    /// When the oldest signature still waiting for commit arrived.
    public var waitingSince: Int64? { arrivals.values.min() }

    /// The merged envelope: the payload with the held signatures in party order, each keyid set to
    /// the key that verified it (as the registry records signatures).
    public var envelope: Envelope {
        Envelope(payloadType: payloadType, payload: payload, signatures: parties.compactMap { party in
            signatures[party].map { EnvelopeSignature(keyID: $0.key.keyID, sig: $0.signature.sig) }
        })
    }

    /// The bytes the entry counts against the pool's bound: payload and signatures as stored.
    var byteSize: Int {
        payloadType.utf8.count + payload.count + signatures.values.reduce(0) { $0 + $1.signature.sig.count + 64 }
    }
}
