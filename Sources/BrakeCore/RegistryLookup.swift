/// Lookups the registry keeps beside its tables, so that applying one entry costs the same however
/// many records the registry holds: which motions are still open (and the earliest expiry among
/// them), which pauses still have a sunset ahead (and the earliest), and which pauses are unlifted,
/// by scope (the table `check` consults).
///
/// Everything here is derived from the tables and `lastTime`: it is rebuilt on restore, never
/// written to rows or snapshots, and not part of the registry's equality. The registry tells it
/// about every record it stores (`note`), so it never has to scan a table.
struct RegistryLookup: Sendable {
    /// Open motions: id → `expires`.
    private(set) var openMotions: [String: Millis] = [:]
    /// The earliest `expires` among open motions (`Millis.max` if there is none).
    private var earliestExpiry: Millis = .max
    /// Unlifted pauses whose sunset is after `lastTime`, so still to be reported: id → sunset.
    private var pendingSunsets: [String: Millis] = [:]
    /// The earliest of `pendingSunsets` (`Millis.max` if there is none).
    private var earliestSunset: Millis = .max
    /// The unlifted pauses, indexed by scope for `check` (its applied index is not kept here).
    private(set) var unlifted = CheckTable.empty

    /// Builds the lookups for restored tables at `lastTime`.
    init(motions: [String: MotionRecord], pauses: [String: Pause], lastTime: Millis) {
        for record in motions.values { note(record) }
        for pause in pauses.values { note(pause, lastTime: lastTime) }
    }

    /// Empty lookups, for an empty registry.
    init() {}

    /// Records the current state of a motion that was just stored.
    mutating func note(_ record: MotionRecord) {
        if record.state == .open {
            openMotions[record.id] = record.motion.expires
            earliestExpiry = min(earliestExpiry, record.motion.expires)
        } else if let expires = openMotions.removeValue(forKey: record.id), expires == earliestExpiry {
            earliestExpiry = openMotions.values.min() ?? .max
        }
    }

    /// Records the current state of a pause that was just stored, at effective time `lastTime`.
    mutating func note(_ pause: Pause, lastTime: Millis) {
        unlifted.update(pause)
        if pause.liftedAt == nil {
            if let sunset = pause.sunset, lastTime < sunset {
                pendingSunsets[pause.id] = sunset
                earliestSunset = min(earliestSunset, sunset)
            }
        } else {
            if let sunset = pendingSunsets.removeValue(forKey: pause.id), sunset == earliestSunset {
                earliestSunset = pendingSunsets.values.min() ?? .max
            }
        }
    }

    /// The ids of open motions with `expires <= now`, in no particular order (the caller sorts).
    func expiring(at now: Millis) -> [String] {
        guard now >= earliestExpiry else { return [] }
        return openMotions.compactMap { $0.value <= now ? $0.key : nil }
    }

    /// Removes and returns the ids of pauses whose sunset is at or before `now` (all of them after
    /// the previous time, since earlier ones were taken then), in no particular order.
    mutating func takeSunsets(through now: Millis) -> [String] {
        guard now >= earliestSunset else { return [] }
        let ending = pendingSunsets.compactMap { $0.value <= now ? $0.key : nil }
        for id in ending { pendingSunsets[id] = nil }
        earliestSunset = pendingSunsets.values.min() ?? .max
        return ending
    }

    /// The unlifted pauses of exactly this scope, oldest first.
    func unliftedPauses(of scope: Scope) -> [Pause] {
        unlifted.pauses(ofPath: scope.path)
    }
}
