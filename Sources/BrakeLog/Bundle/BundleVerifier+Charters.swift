import BrakeCore

extension BundleVerifier {
    /// The signature codes that mean a signature is not what the entry claims.
    static let signatureCodes: Set<String> = ["bad_signature", "unknown_key", "duplicate_signature", "too_many_signatures", "unsigned"]

    /// An entry whose signatures did not verify under the charter in force. Signatures by a key an
    /// earlier charter listed (revoked since) are real signatures the registry refuses as
    /// `revoked_key`, which a node may have committed and rejected: left to the replay. A signature by
    /// a key only an amendment that never passed would add names that amendment
    /// (`amendment_not_passed`): the bundle's log needs it to have passed, and it did not. Anything
    /// else fails with its code.
    func checkUnverified(_ envelope: Envelope, error failure: BrakeError, at location: String) throws(BundleFailure) {
        do throws(BrakeError) {
            _ = try registry.verifiedSignatures(of: envelope)
        } catch where error.code == .revokedKey {
            return
        } catch {}
        if failure.code == .unknownKey, let why = unpassedAmendment(behind: envelope) {
            throw BundleFailure(location, code: "amendment_not_passed", why)
        }
        throw BundleFailure(location, code: failure.code.rawValue, failure.message)
    }

    /// The open amendment whose next charter holds a key that signed `envelope`, explained, if any.
    private func unpassedAmendment(behind envelope: Envelope) -> String? {
        let current = Set(registry.charter.allKeys)
        let message = envelope.pae
        for record in registry.amendments where record.state == .open {
            let added = record.amendment.charter.allKeys.filter { !current.contains($0) }
            for (n, signature) in envelope.signatures.enumerated() {
                guard let key = added.first(where: { $0.isValidSignature(signature.sig, for: message) }) else { continue }
                let signers = record.signerParties.joined(separator: ", ")
                return "signature \(n + 1) is by key \(key.keyID), which only amendment \(record.id) (entry \(record.openedAt)) adds, "
                    + "and that amendment never passed: signed by \(signers.isEmpty ? "nobody" : signers), "
                    + "while the charter in force needs \(registry.charter.amend.summary)"
            }
        }
        return nil
    }

    /// A checkpoint that is not final under the charter in force, but would be under the nodes of an
    /// amendment that never passed: named as `amendment_not_passed`, since the bundle's cosigners need it.
    func unpassedNodeChange(_ failure: BundleFailure) -> BundleFailure? {
        for record in registry.amendments where record.state == .open {
            guard (try? Self.verifyCosignatures(signedCheckpoint, charter: record.amendment.charter)) != nil else { continue }
            let signers = record.signerParties.joined(separator: ", ")
            return BundleFailure(
                "checkpoint", code: "amendment_not_passed",
                "\(failure.message), while the nodes of amendment \(record.id) (entry \(record.openedAt)) would make it final; "
                    + "that amendment never passed: signed by \(signers.isEmpty ? "nobody" : signers), "
                    + "while the charter in force needs \(registry.charter.amend.summary)")
        }
        return nil
    }

    /// A committed amendment or revocation the registry refused for its signatures: the entry does
    /// not carry the signatures it claims, and the chain of charters cannot be trusted past it.
    func checkRejectedChange(_ envelope: Envelope, error: BrakeError, at location: String) throws(BundleFailure) {
        let kind: String
        switch envelope.payloadType {
        case Amendment.payloadType: kind = "amendment"
        case Revocation.payloadType: kind = "revocation"
        default: return
        }
        guard Self.signatureCodes.contains(error.code.rawValue) else { return }
        throw BundleFailure(location, code: error.code.rawValue, "\(kind) \(motionID(payload: envelope.payload)): \(error.message)")
    }
}
