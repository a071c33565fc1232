/// When a lab's next attestation for a pause falls due: the arithmetic of the compliance schedule,
/// shared by the registry's overdue events and its compliance view.
///
/// A pause in force since `since` is cut into windows of the charter's attestation interval `I`:
/// window k is `[since + k·I, since + (k+1)·I)`. A lab owes one attestation per window, counted by the
/// effective time of the entry that records it (the payload's `period` is the lab's own label and
/// plays no part). An attestation recorded in window j covers it, so the next one is owed in window
/// j+1 and falls due at that window's end, `since + (j+2)·I`; with no attestation yet, window 0's is
/// due at `since + I`. The lab is overdue from the due time on (the due instant itself included: an
/// attestation recorded then already falls in the next window), until it attests again. Attesting
/// twice in one window moves nothing: no window can be paid for in advance.
public enum AttestationSchedule {
    /// The largest due time: due times saturate here (the canonical JSON integer bound, 2^53 − 1 ms,
    /// far past year 9999), so the arithmetic never overflows whatever time an entry carried.
    public static let latest: Millis = (1 << 53) - 1

    /// The window of a pause that `time` falls in (0 for any time before `since`).
    public static func window(of time: Millis, since: Millis, intervalMillis: Millis) -> Int64 {
        guard time > since, intervalMillis > 0 else { return 0 }
        let (elapsed, overflow) = time.subtractingReportingOverflow(since)
        return overflow ? Int64.max / intervalMillis : elapsed / intervalMillis
    }

    /// When the next attestation is due: `since + I` with none recorded, else `since + (j+2)·I` for
    /// the window j of the latest one; saturating at `latest`.
    public static func nextDue(since: Millis, intervalMillis: Millis, lastAttested: Millis?) -> Millis {
        guard intervalMillis > 0 else { return latest }
        let windows = lastAttested.map { min(window(of: $0, since: since, intervalMillis: intervalMillis), latest) + 2 } ?? 1
        let (span, spanOverflow) = windows.multipliedReportingOverflow(by: intervalMillis)
        let (due, dueOverflow) = since.addingReportingOverflow(span)
        return spanOverflow || dueOverflow ? latest : min(due, latest)
    }

    /// Whether a deadline `due` falls while `pause` holds, so missing it counts: before its sunset,
    /// and no later than the entry that lifted it (that entry's own time reaches the deadline first,
    /// as every entry's time does before its declaration is applied).
    public static func counts(_ due: Millis, during pause: Pause) -> Bool {
        (pause.liftedTime.map { due <= $0 } ?? true) && (pause.sunset.map { due < $0 } ?? true)
    }
}
