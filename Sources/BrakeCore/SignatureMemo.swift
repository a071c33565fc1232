import Crypto

/// Signatures a node has already verified: each as its key, its bytes and the digest of the message
/// it signs (the envelope's DSSE pre-authentication encoding).
///
/// A node verifies each signature once. Its shell verifies a submission's signatures in parallel,
/// off the node's serial driver, and hands the memo in with the submission; admission and the apply
/// of the same bytes then find them here instead of running Ed25519 again. Only signatures that
/// verified are kept, so a memo can skip work but never change an answer: a registry that is given
/// one decides exactly as one that is not.
public struct SignatureMemo: Sendable, Hashable {
    private var verified: Set<[UInt8]>

    /// A memo that knows nothing.
    public static let none = SignatureMemo(verified: [])

    init(verified: Set<[UInt8]>) {
        self.verified = verified
    }

    /// Whether it knows nothing.
    public var isEmpty: Bool { verified.isEmpty }

    /// The number of signatures it holds.
    public var count: Int { verified.count }

    /// Verifies the signatures of `envelope` under `charter`'s keys, as admission does (same bounds,
    /// same errors), and remembers the ones that verify. An envelope that admission refuses before
    /// it looks at signatures (not a declaration's payload type, or unsigned) gets an empty memo, so
    /// admission gives its own error first, as it would without a memo. An amendment gets an empty memo
    /// too: keys that only its next charter lists may sign it, so admission verifies it itself.
    public static func verifying(_ envelope: Envelope, under charter: Charter) throws(BrakeError) -> SignatureMemo {
        guard Declaration.accepts(payloadType: envelope.payloadType), !Bytes.same(envelope.payloadType, Amendment.payloadType),
            !envelope.signatures.isEmpty
        else { return .none }
        let signatures = try charter.verifiedSignatures(of: envelope)
        let digest = messageDigest(envelope.pae)
        return SignatureMemo(verified: Set(signatures.map { entry($0.key, $0.signature.sig, digest) }))
    }

    /// `verifying(_:under:)`, taking the signatures `known` holds as verified: only the others run
    /// Ed25519. The pending pool merges co-signatures this way, so each signature is verified once
    /// however often gossip brings it.
    public static func verifying(_ envelope: Envelope, under charter: Charter, known: SignatureMemo) throws(BrakeError) -> SignatureMemo {
        guard !known.isEmpty else { return try verifying(envelope, under: charter) }
        let declaration = Bytes.same(envelope.payloadType, Motion.payloadType) || Bytes.same(envelope.payloadType, Attestation.payloadType)
        guard declaration, !envelope.signatures.isEmpty else { return .none }
        let signatures = try charter.verifiedSignatures(of: envelope, memo: known)
        let digest = messageDigest(envelope.pae)
        return SignatureMemo(verified: Set(signatures.map { entry($0.key, $0.signature.sig, digest) }))
    }

    /// Both memos' signatures.
    public func merging(_ other: SignatureMemo) -> SignatureMemo {
        SignatureMemo(verified: verified.union(other.verified))
    }

    /// Whether `sig` by `key` over the message with this digest is known to verify.
    func knows(_ key: PublicKey, _ sig: [UInt8], digest: [UInt8]) -> Bool {
        verified.contains(Self.entry(key, sig, digest))
    }

    static func messageDigest(_ message: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: message))
    }

    static func entry(_ key: PublicKey, _ sig: [UInt8], _ digest: [UInt8]) -> [UInt8] {
        key.rawRepresentation + sig + digest
    }
}

extension Charter {
    /// `verifiedSignatures(of:)`, taking a signature `memo` knows as verified without running Ed25519.
    public func verifiedSignatures(of envelope: Envelope, memo: SignatureMemo) throws(BrakeError) -> [VerifiedSignature] {
        guard !memo.isEmpty else { return try verifiedSignatures(of: envelope) }
        let digest = SignatureMemo.messageDigest(envelope.pae)
        return try verifiedSignatures(of: envelope) { key, signature, message in
            memo.knows(key, signature, digest: digest) || key.isValidSignature(signature, for: message)
        }
    }
}
