/// A ready-made three-party federation for development, demos and tests.
///
/// Parties `lab-a` (lab), `lab-b` (lab) and `gov-a` (government); one node `node-1` run by lab-a.
/// Trigger: at least 2 distinct parties of any class. Lift: at least 2 distinct parties including at
/// least 1 government. Amend: all 3. Motions live at most 7 days; labs attest daily; no sunset.
/// The seeds and the node's identity (its TLS pin and checkpoint key, which the shell makes with
/// `NodeIdentity`) are inputs, because the core has no randomness and no files of its own.
public enum DevFederation {
    /// The federation id of the development charter.
    public static let federation = "brake-dev"

    /// Builds the charter and its envelope signed by all three parties, from three 32-byte seeds
    /// (for lab-a, lab-b, gov-a in that order) and the identity of `node-1`: its peer address, the pin
    /// of its TLS key (`NodeInfo.tlsPin`) and its checkpoint public key.
    public static func make(
        seeds: [[UInt8]], nodeAddress: String, tlsPin: String, checkpointKey: PublicKey,
        federation: String = DevFederation.federation
    ) throws(BrakeError) -> (charter: Charter, envelope: Envelope, keys: [(party: String, key: SigningKey)]) {
        guard seeds.count == 3 else {
            throw BrakeError(.invalidKey, "the development federation needs 3 seeds, got \(seeds.count)")
        }
        let specs: [(id: String, name: String, partyClass: PartyClass)] = [
            ("lab-a", "Lab A", .lab), ("lab-b", "Lab B", .lab), ("gov-a", "Gov A", .government),
        ]
        var keys: [(party: String, key: SigningKey)] = []
        var parties: [Party] = []
        for (spec, seed) in zip(specs, seeds) {
            let key = try SigningKey(seed: seed)
            keys.append((spec.id, key))
            parties.append(Party(id: spec.id, name: spec.name, partyClass: spec.partyClass, keys: [key.publicKey]))
        }
        let charter = Charter(
            federation: federation,
            parties: parties,
            nodes: [
                NodeInfo(id: "node-1", party: "lab-a", address: nodeAddress, tlsPin: tlsPin, checkpointKey: checkpointKey),
            ],
            trigger: PolicyRule(clauses: [PolicyClause(atLeast: 2)]),
            lift: PolicyRule(clauses: [PolicyClause(atLeast: 2), PolicyClause(atLeast: 1, partyClass: .government)]),
            amend: PolicyRule(clauses: [PolicyClause(atLeast: 3)]),
            motionLifetimeSeconds: 7 * 86_400,
            attestationIntervalSeconds: 86_400,
            pauseSunsetSeconds: nil
        )
        try charter.validate()
        var envelope = charter.unsignedEnvelope()
        for (_, key) in keys { envelope = envelope.signed(with: key) }
        return (charter, envelope, keys)
    }
}
