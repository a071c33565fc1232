import BrakeCore

/// What a bundle that verified holds (`BundleVerifier.finish`): the checkpoint and who cosigned it,
/// how many signatures verified, the entries the registry rejected, and the replayed registry, from
/// which the pause history and each party's compliance are read.
public struct BundleReport: Sendable {
    /// An entry the registry rejected when it applied it (for example a co-signature arriving after
    /// its motion passed): part of the history, changing nothing but the time.
    public struct RejectedEntry: Sendable, Hashable {
        /// The entry index.
        public var index: UInt64
        /// The registry's error code.
        public var code: String
        /// The registry's message.
        public var message: String
    }

    /// One signature on a motion: who, with which key, in which entry, at what time.
    public struct Signer: Sendable, Hashable {
        /// The party.
        public var party: String
        /// The key it signed with (hex SHA-256 of the public key).
        public var keyID: String
        /// The entry that carried the signature.
        public var index: UInt64
        /// That entry's time (ms since the epoch).
        public var time: Millis
    }

    /// One pause, from the motion that triggered it to the one that lifted it, if any.
    public struct PauseHistory: Sendable, Hashable {
        /// The pause (its id is the trigger motion's id).
        public var pause: Pause
        /// Who signed the trigger motion, in the order their signatures were committed.
        public var triggerSigners: [Signer]
        /// Who signed the lift motion, when one passed.
        public var liftSigners: [Signer]
    }

    /// The checkpoint the entries add up to.
    public var checkpoint: Checkpoint
    /// The cosignatures that verified, sorted by key name.
    public var cosignatures: [Cosignature]
    /// Cosignatures a final checkpoint needs.
    public var quorum: Int
    /// DSSE signatures verified over all entries.
    public var signatures: Int
    /// Entries the registry rejected, in order.
    public var rejected: [RejectedEntry]
    /// The registry after replaying every entry through the checkpoint's applied index.
    public var registry: Registry

    /// The entries (leaves) verified.
    public var entries: UInt64 { checkpoint.size }

    /// The hex SHA-256 of the replayed registry's snapshot: the `registryDigest` a node that applied
    /// the same entries reports.
    public var registryDigest: String { registry.digestHex() }

    /// Every pause, oldest first, with the signers of its trigger and of its lift.
    public var pauseHistory: [PauseHistory] {
        registry.pauses.map { pause in
            PauseHistory(
                pause: pause, triggerSigners: signers(of: pause.id),
                liftSigners: pause.liftedBy.map(signers(of:)) ?? [])
        }
    }

    /// Each party's compliance with the pauses in force at the last entry's time (the registry's
    /// time, not the verifier's clock: the bundle says nothing of what happened after it).
    public var compliance: [ComplianceRow] { registry.compliance(at: registry.lastTime) }

    private func signers(of motionID: String) -> [Signer] {
        (registry.motion(id: motionID)?.signers ?? []).map {
            Signer(party: $0.party, keyID: $0.keyID, index: $0.index, time: $0.time)
        }
    }
}
