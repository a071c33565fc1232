extension Registry {
    /// Every motion, oldest first (by the entry that opened it, then id).
    public var motions: [MotionRecord] {
        motionsByID.values.sorted { ($0.openedAt, $0.id) < ($1.openedAt, $1.id) }
    }

    /// The motion with this id.
    public func motion(id: String) -> MotionRecord? { motionsByID[id] }

    /// How many motions are open (by state, as `motions` would list them), without listing them.
    public var openMotionCount: Int { lookup.openMotions.count }

    /// Every pause ever triggered, oldest first (by the entry that triggered it, then id).
    public var pauses: [Pause] {
        pausesByID.values.sorted { ($0.triggeredAt, $0.id) < ($1.triggeredAt, $1.id) }
    }

    /// The pause with this id.
    public func pause(id: String) -> Pause? { pausesByID[id] }

    /// The pauses in force at `now`, oldest first (sunsets evaluated at `now`).
    public func pausesInForce(at now: Millis) -> [Pause] {
        pauses.filter { $0.isInForce(at: now) }
    }

    /// Every attestation, oldest first (by entry, then id).
    public var attestations: [AttestationRecord] {
        attestationsByID.values.sorted { ($0.index, $0.id) < ($1.index, $1.id) }
    }

    /// The attestation with this id.
    public func attestation(id: String) -> AttestationRecord? { attestationsByID[id] }

    /// Every review, oldest first (by entry, then id).
    public var reviews: [ReviewRecord] {
        reviewsByID.values.sorted { ($0.index, $0.id) < ($1.index, $1.id) }
    }

    /// The review with this id.
    public func review(id: String) -> ReviewRecord? { reviewsByID[id] }

    /// The reviews of one attestation, in the order they were recorded.
    public func reviews(of attestationID: String) -> [ReviewRecord] {
        (complianceLookup.reviews[attestationID] ?? []).compactMap { reviewsByID[$0] }
    }

    /// Whether work of `scope` may run at `now`: `paused` if a pause in force covers it, else `clear`.
    /// Sunsets are evaluated at `now`, even before an entry records them.
    public func check(_ scope: Scope, at now: Millis) -> CheckVerdict {
        checkTable.check(scope, at: now)
    }
}
