/// What `Registry.admit` found: the submission is valid now, and what it would add.
public struct Admission: Sendable, Hashable {
    /// The parsed declaration.
    public var declaration: Declaration
    /// Its id (SHA-256 of the payload).
    public var id: String
    /// Parties whose signatures it would add, in envelope order (all signers for a new declaration).
    public var newSigners: [String]
    /// Whether applying it now would make its motion pass. A trigger that would pass on its own is
    /// self-certifying: a node holding it may report "paused" before it commits.
    public var wouldPass: Bool

    /// Creates an admission.
    public init(declaration: Declaration, id: String, newSigners: [String], wouldPass: Bool) {
        self.declaration = declaration
        self.id = id
        self.newSigners = newSigners
        self.wouldPass = wouldPass
    }
}

/// What applying one committed entry did: the outcome, the events, and the rows to rewrite.
public struct ApplyResult: Sendable, Hashable {
    /// How the entry fared.
    public enum Outcome: Sendable, Hashable {
        /// A Raft no-op (empty data).
        case noop
        /// A declaration accepted.
        case accepted(DeclarationReceipt)
        /// A declaration that failed validation at apply time; it changed nothing but the meta row.
        case rejected(BrakeError)
    }

    /// The entry index.
    public var index: UInt64
    /// How it fared.
    public var outcome: Outcome
    /// Events in the order they happened (expiries and sunsets first, then the declaration's).
    public var events: [RegistryEvent]
    /// The rows to write with this entry, `.meta` first; empty only for a stale index.
    public var changed: [RegistryKey]
    /// The new bytes of each row in `changed`, in the same order (`Registry.row(for:)`); nil for a
    /// row that no longer exists.
    public var rows: [[UInt8]?]
    /// Whether this entry made a new charter current (an amendment passed or a revocation committed):
    /// `Registry.charter` now differs, and the shell must follow it (peers, pins, Raft membership).
    public var charterChanged: Bool

    /// Creates a result.
    public init(
        index: UInt64, outcome: Outcome, events: [RegistryEvent], changed: [RegistryKey], rows: [[UInt8]?] = [],
        charterChanged: Bool = false
    ) {
        self.index = index
        self.outcome = outcome
        self.events = events
        self.changed = changed
        self.rows = rows
        self.charterChanged = charterChanged
    }
}

/// The answer to a submitter: the declaration's id and where it stands after its entry applied.
public struct DeclarationReceipt: Sendable, Hashable, Codable {
    /// The declaration id.
    public var id: String
    /// "motion", "attestation", "review", "amendment" or "revocation".
    public var kind: String
    /// For a motion or an amendment, its state after the entry (`open`, `passed`…); for a review,
    /// `countersigned` or `disputed`; nil for an attestation and a revocation.
    public var state: String?
    /// All parties whose signatures are recorded for it.
    public var signers: [String]
    /// The entry index.
    public var index: UInt64

    /// Creates a receipt.
    public init(id: String, kind: String, state: String?, signers: [String], index: UInt64) {
        self.id = id
        self.kind = kind
        self.state = state
        self.signers = signers
        self.index = index
    }
}
