/// The one error type of Brake's core: a stable machine-readable code plus a human message.
///
/// Clients (brakectl, the HTTP API, scripts) branch on `code`, never on `message`, so codes are
/// stable snake_case strings that only ever grow. `Code` is a struct rather than an enum so that new
/// codes can be added without breaking exhaustive switches in other modules.
public struct BrakeError: Error, Sendable, Hashable, CustomStringConvertible, Codable {
    /// A stable snake_case error code.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The snake_case string clients match on.
        public let rawValue: String
        /// Wraps a raw code; prefer the static members so codes stay in one list.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The raw code, so interpolating a code prints it plainly.
        public var description: String { rawValue }

        /// Bytes that are not the JSON we expect: not JSON at all, a missing or unknown field, a wrong type.
        public static let malformedJSON = Code(rawValue: "malformed_json")
        /// A base64 field that is not canonical base64 in the standard or the URL-safe alphabet.
        public static let badBase64 = Code(rawValue: "bad_base64")
        /// A DSSE envelope whose payloadType is not the one this operation accepts.
        public static let wrongPayloadType = Code(rawValue: "wrong_payload_type")
        /// A declaration envelope that carries no signature at all.
        public static let unsigned = Code(rawValue: "unsigned")
        /// A signature that verifies under no key of the charter and whose keyid names none.
        public static let unknownKey = Code(rawValue: "unknown_key")
        /// A signature that does not verify, although its keyid names a charter key.
        public static let badSignature = Code(rawValue: "bad_signature")
        /// A declaration for another federation than the charter's.
        public static let wrongFederation = Code(rawValue: "wrong_federation")
        /// A scope string that is not a valid scope path.
        public static let invalidScope = Code(rawValue: "invalid_scope")
        /// A motion with bad field values (times, lifetime, kind, pause id, nonce, scope of a lift).
        public static let invalidMotion = Code(rawValue: "invalid_motion")
        /// A new motion whose proposer did not sign it.
        public static let proposerNotSigned = Code(rawValue: "proposer_not_signed")
        /// A party id that the charter does not list.
        public static let unknownParty = Code(rawValue: "unknown_party")
        /// A motion at or past its expiry time.
        public static let motionExpired = Code(rawValue: "motion_expired")
        /// A motion that already passed or was superseded.
        public static let motionClosed = Code(rawValue: "motion_closed")
        /// A pause id that the registry does not know.
        public static let unknownPause = Code(rawValue: "unknown_pause")
        /// A pause that was lifted or reached its sunset.
        public static let pauseNotInForce = Code(rawValue: "pause_not_in_force")
        /// A trigger for a scope that a pause in force already has exactly.
        public static let alreadyPaused = Code(rawValue: "already_paused")
        /// A co-signature that adds no party not already recorded.
        public static let noNewSignature = Code(rawValue: "no_new_signature")
        /// An attestation that breaks a rule (signer, claims, evidence).
        public static let invalidAttestation = Code(rawValue: "invalid_attestation")
        /// A second attestation for the same pause, party and period.
        public static let duplicateAttestation = Code(rawValue: "duplicate_attestation")
        /// A charter that does not validate.
        public static let invalidCharter = Code(rawValue: "invalid_charter")
        /// A charter envelope that misses the signature of a founding party.
        public static let charterUnsigned = Code(rawValue: "charter_unsigned")
        /// Key material of the wrong size or shape, or a key file that does not decode.
        public static let invalidKey = Code(rawValue: "invalid_key")
        /// A private key file readable or writable by group or others, or owned by another user; or a key
        /// file reached through a symbolic link.
        public static let insecureKeyFile = Code(rawValue: "insecure_key_file")
        /// A time string that is not strict RFC 3339 UTC with whole seconds.
        public static let invalidTime = Code(rawValue: "invalid_time")
        /// Persisted registry rows or a snapshot that do not restore (added beyond the original list).
        public static let corruptState = Code(rawValue: "corrupt_state")
        /// An entry index at or below the registry's applied index (added beyond the original list).
        public static let staleIndex = Code(rawValue: "stale_index")
        /// An envelope with more signatures than the charter has keys: refused before any is verified, so
        /// the work a request can cause is bounded by the charter, not by the request's size.
        public static let tooManySignatures = Code(rawValue: "too_many_signatures")
        /// Two signatures of one envelope by the same key (the same bytes twice, two keyid hints naming one
        /// key, or a second signature that verifies under a key already matched): each key signs once.
        public static let duplicateSignature = Code(rawValue: "duplicate_signature")
        /// An attestation review that breaks a rule: an attestation id that is not 64 lowercase hex, an
        /// unknown verdict, a dispute without a reason, a reason too long, a reviewer who did not sign,
        /// or a party reviewing its own attestation.
        public static let invalidReview = Code(rawValue: "invalid_review")
        /// A review naming an attestation the registry has not recorded.
        public static let unknownAttestation = Code(rawValue: "unknown_attestation")
        /// A review by a party that is not of class government: only governments review attestations.
        public static let reviewerNotGovernment = Code(rawValue: "reviewer_not_government")
        /// A review the same party already gave for that attestation, or one after its dispute (a dispute
        /// is final; a countersignature can only be followed by a dispute).
        public static let duplicateReview = Code(rawValue: "duplicate_review")
        /// A charter key that has not signed the charter: every key a charter lists must prove that its
        /// holder has it, by signing the charter (proof of possession).
        public static let unprovenKey = Code(rawValue: "unproven_key")
        /// A signature by a key that an earlier charter listed and the current one does not: revoked by
        /// an amendment or a revocation, it verifies nothing from the entry that removed it on.
        public static let revokedKey = Code(rawValue: "revoked_key")
        /// An amendment that adds a key to a party that has not signed it with a key it already holds:
        /// no party can add a key for another.
        public static let unauthorizedKeyChange = Code(rawValue: "unauthorized_key_change")
        /// An amendment or revocation that would leave a policy (trigger, lift or amend) impossible to
        /// meet by the parties of the next charter; the message names the policy and why.
        public static let unsatisfiablePolicy = Code(rawValue: "unsatisfiable_policy")
        /// An amendment whose `amends` is not the id of the current charter (it was written for a
        /// charter that has since changed).
        public static let staleAmendment = Code(rawValue: "stale_amendment")
        /// An amendment that breaks another rule (its next charter does not validate, changes the
        /// federation or changes nothing, moves or restores a key, a bad lifetime or field).
        public static let invalidAmendment = Code(rawValue: "invalid_amendment")
        /// A revocation that breaks a rule: no key, a key the party does not hold, all of its keys, or
        /// not signed by the party with a key it keeps.
        public static let invalidRevocation = Code(rawValue: "invalid_revocation")

        /// Whether a registry that has applied more entries could answer differently: a refusal that
        /// depends on the motions, pauses and attestations recorded so far (a motion not yet known, a
        /// pause not yet in force), not on the envelope alone. A follower that lags the leader may
        /// give such a refusal wrongly, so it leaves the decision to the leader.
        public var dependsOnState: Bool {
            Self.stateDependent.contains(self)
        }

        private static let stateDependent: Set<Code> = [
            .proposerNotSigned, .motionExpired, .motionClosed, .unknownPause, .pauseNotInForce, .alreadyPaused,
            .noNewSignature, .invalidAttestation, .duplicateAttestation, .unknownAttestation, .duplicateReview,
            .staleAmendment,
        ]
    }

    /// What went wrong, for programs.
    public let code: Code
    /// What went wrong, for people; not stable.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Creates an error (labelled form, for call sites that read better with labels).
    public init(code: Code, message: String) {
        self.init(code, message)
    }

    /// `code: message`, the form logs and the CLI print.
    public var description: String { "\(code.rawValue): \(message)" }
}
