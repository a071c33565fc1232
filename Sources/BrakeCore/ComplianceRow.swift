/// One line of the compliance view: where one party stands towards one pause (`Registry.compliance`).
///
/// Everything but `overdue` (and `overdueSince`) follows from committed entries alone; those two
/// compare the deadline with the time the view is asked at, as `check` does with sunsets.
public struct ComplianceRow: Sendable, Hashable, Codable {
    /// An attestation, as the view names it.
    public struct AttestationSummary: Sendable, Hashable, Codable {
        /// The attestation id.
        public var id: String
        /// The period the party named.
        public var period: String
        /// The entry that recorded it.
        public var index: UInt64
        /// That entry's effective time.
        public var time: Millis
    }

    /// A government's dispute of one of the party's attestations for the pause.
    public struct Dispute: Sendable, Hashable, Codable {
        /// The review id.
        public var review: String
        /// The attestation disputed.
        public var attestation: String
        /// That attestation's period.
        public var period: String
        /// The disputing government.
        public var reviewer: String
        /// Why.
        public var reason: String
        /// The entry that recorded the dispute.
        public var index: UInt64
        /// That entry's effective time.
        public var time: Millis
    }

    /// The pause.
    public var pauseID: String
    /// The pause's scope.
    public var scope: Scope
    /// The party.
    public var party: String
    /// The party's class.
    public var partyClass: PartyClass
    /// Whether the party owes attestations (labs do; others may attest but are never due).
    public var expected: Bool
    /// Its latest attestation for the pause (by entry).
    public var lastAttestation: AttestationSummary?
    /// How many attestations it has recorded for the pause.
    public var attestationCount: Int
    /// When its next attestation is due (`AttestationSchedule`); nil if it owes none, or if the pause
    /// ended before that time.
    public var nextDue: Millis?
    /// Whether `nextDue` has passed while the pause held, at the time the view was asked.
    public var overdue: Bool
    /// Since when it is overdue (the deadline it missed).
    public var overdueSince: Millis?
    /// The governments whose standing review of the latest attestation is a countersignature, in
    /// the order they were recorded.
    public var countersignedBy: [String]
    /// The governments that disputed the latest attestation, in the order recorded.
    public var disputedBy: [String]
    /// Every dispute of any of the party's attestations for this pause, oldest first: a later
    /// attestation does not wash an earlier dispute away.
    public var disputes: [Dispute]

    /// The period of its latest attestation.
    public var lastPeriod: String? { lastAttestation?.period }
    /// When its latest attestation was recorded.
    public var lastAttested: Millis? { lastAttestation?.time }
}
