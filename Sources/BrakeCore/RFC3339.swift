/// Milliseconds since the Unix epoch, UTC: the one time unit inside Brake.
public typealias Millis = Int64

/// Strict RFC 3339 timestamps of the form `2026-11-29T10:00:00Z`: UTC, whole seconds, nothing else.
///
/// Signed payloads carry times as text so that people can read what they sign. Exactly one spelling
/// is accepted per instant (parse, re-format, compare), so two parties can never disagree about the
/// bytes of "the same" time, and ids stay stable. The calendar arithmetic is the proleptic Gregorian
/// days-from-civil algorithm; no Foundation calendar, time zone or locale is involved.
public enum RFC3339 {
    /// Formats `ms`, truncated down to the whole second.
    public static func format(_ ms: Millis) -> String {
        let secs = floorDiv(ms, 1000)
        let days = floorDiv(secs, 86_400)
        let secOfDay = secs - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T"
            + pad(secOfDay / 3600, 2) + ":" + pad(secOfDay / 60 % 60, 2) + ":" + pad(secOfDay % 60, 2) + "Z"
    }

    /// Parses the strict form; anything else (offsets, fractions, lowercase, impossible dates) is `invalid_time`.
    public static func parse(_ s: String) throws(BrakeError) -> Millis {
        let b = Array(s.utf8)
        let invalid = BrakeError(.invalidTime, "\"\(s)\" is not an RFC 3339 UTC time like 2026-11-29T10:00:00Z")
        guard b.count == 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b[19] == UInt8(ascii: "Z")
        else { throw invalid }
        func number(_ range: Range<Int>) -> Int64? {
            var n: Int64 = 0
            for i in range {
                guard (0x30...0x39).contains(b[i]) else { return nil }
                n = n * 10 + Int64(b[i] - 0x30)
            }
            return n
        }
        guard let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10),
              let h = number(11..<13), let mi = number(14..<16), let sec = number(17..<19),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, sec < 60
        else { throw invalid }
        let ms = ((days(fromCivil: y, mo, d) * 86_400) + h * 3600 + mi * 60 + sec) * 1000
        // Round trip: rejects dates such as February 30 that the arithmetic would silently normalise.
        guard format(ms) == s else { throw invalid }
        return ms
    }

    /// The `YYYY-MM-DD` UTC date of an instant, the usual form of an attestation period.
    public static func date(_ ms: Millis) -> String {
        String(format(ms).prefix(10))
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func pad(_ n: Int64, _ width: Int) -> String {
        let digits = String(n)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
