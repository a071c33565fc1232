import BrakeCore
import Testing

@Suite("RFC 3339 times")
struct RFC3339Tests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Millis(0)),
        ("2026-11-29T10:00:00Z", Millis(1_795_946_400_000)),
        ("2000-02-29T23:59:59Z", Millis(951_868_799_000)),
        ("1969-12-31T23:59:59Z", Millis(-1000)),
    ])
    func roundTrip(text: String, ms: Millis) throws {
        #expect(try RFC3339.parse(text) == ms)
        #expect(RFC3339.format(ms) == text)
    }

    @Test func formatTruncatesToSeconds() {
        #expect(RFC3339.format(1_795_946_400_999) == "2026-11-29T10:00:00Z")
        #expect(RFC3339.date(1_795_946_400_999) == "2026-11-29")
    }

    @Test(arguments: [
        "2026-11-29T10:00:00.000Z", "2026-11-29T10:00:00+00:00", "2026-11-29 10:00:00Z",
        "2026-11-29t10:00:00z", "2026-02-30T10:00:00Z", "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-11-29T24:00:00Z", "2026-11-29T10:60:00Z", "2026-11-29T10:00:60Z", "", "２026-11-29T10:00:00Z",
    ])
    func rejectsNonStrictTimes(text: String) {
        #expect(brakeError { () throws(BrakeError) in try RFC3339.parse(text) }?.code == .invalidTime)
    }
}
