import BrakeCore

/// Builds the signed declarations the simulated clients submit: valid motions and co-signatures,
/// and the invalid kinds a hostile party might try.
struct DeclarationFactory {
    let federation: SimFederation

    /// The kinds of invalid declaration, each with the error code admission must answer.
    enum Invalid: CaseIterable {
        /// A charter key's keyid on a signature it did not make.
        case forgedSignature
        /// A valid signature by a key the charter does not list.
        case unknownKey
        /// A properly signed motion for another federation.
        case wrongFederation
        /// A lift naming a pause that does not exist.
        case liftOfUnknownPause

        var expectedCode: BrakeError.Code {
            switch self {
            case .forgedSignature: .badSignature
            case .unknownKey: .unknownKey
            case .wrongFederation: .wrongFederation
            case .liftOfUnknownPause: .unknownPause
            }
        }
    }

    func motion(
        kind: MotionKind, scope: String, pause: String?, proposer: String, now: Millis, nonce: String,
        federationID: String? = nil
    ) -> Motion? {
        guard let scope = try? Scope(scope) else { return nil }
        return Motion(
            federation: federationID ?? federation.charter.federation, kind: kind, scope: scope,
            reason: "simulated \(kind.rawValue)", pause: pause, proposer: proposer,
            created: now, expires: now + 1_800_000, nonce: nonce
        )
    }

    /// The motion's envelope signed by `parties`, in order.
    func signed(_ motion: Motion, by parties: [String]) -> Envelope {
        var envelope = motion.unsignedEnvelope()
        for party in parties {
            if let key = federation.key(of: party) { envelope = envelope.signed(with: key) }
        }
        return envelope
    }

    /// An envelope of the same payload with one more signature, by `party`; `alone` drops the
    /// signatures already there (a co-signer who only sends their own signature).
    func cosigned(_ envelope: Envelope, by party: String, alone: Bool) -> Envelope {
        guard let key = federation.key(of: party) else { return envelope }
        var base = envelope
        if alone { base.signatures = [] }
        return base.signed(with: key)
    }

    /// An invalid declaration of kind `invalid`.
    func invalid(_ invalid: Invalid, proposer: String, now: Millis, nonce: String) -> Envelope? {
        switch invalid {
        case .forgedSignature:
            guard let m = motion(kind: .trigger, scope: "training", pause: nil, proposer: proposer, now: now, nonce: nonce),
                  let key = federation.key(of: proposer)
            else { return nil }
            var envelope = m.unsignedEnvelope()
            // The stranger signs, but the signature claims to be the proposer's.
            let sig = federation.stranger.signature(for: envelope.pae)
            envelope.signatures = [EnvelopeSignature(keyID: key.publicKey.keyID, sig: sig)]
            return envelope
        case .unknownKey:
            guard let m = motion(kind: .trigger, scope: "training", pause: nil, proposer: proposer, now: now, nonce: nonce)
            else { return nil }
            return m.unsignedEnvelope().signed(with: federation.stranger)
        case .wrongFederation:
            guard let m = motion(
                kind: .trigger, scope: "training", pause: nil, proposer: proposer, now: now, nonce: nonce,
                federationID: "another-federation")
            else { return nil }
            return signed(m, by: [proposer])
        case .liftOfUnknownPause:
            let pause = String(repeating: nonce, count: 4).prefix(64)
            guard let m = motion(kind: .lift, scope: "training", pause: String(pause), proposer: proposer, now: now, nonce: nonce)
            else { return nil }
            return signed(m, by: [proposer])
        }
    }
}
