/// Deliberately wrong node behaviour, for tests only (as `TestingSwitches` is for Raft): the
/// simulation turns one on to show that the federation detects and survives it. All are off by
/// default and a production node must never turn one on.
public struct ReplicaTestingSwitches: Sendable, Hashable {
    /// While leading, never propose a declaration of this party (a motion it proposed, an
    /// attestation it made): the censoring leader that Specs/gossip.md's rule must catch.
    public var censoredParty: String?

    /// All switches off.
    public init(censoredParty: String? = nil) {
        self.censoredParty = censoredParty
    }
}
