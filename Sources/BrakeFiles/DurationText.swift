/// Durations as people write them in query strings and flags: `500ms`, `5s`, `2m`, `1h`.
public enum DurationText {
    /// Milliseconds of a duration text, or nil if it is not one.
    public static func millis(_ text: String) -> Int? {
        let units: [(String, Int)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let value = Int(text.dropLast(suffix.count)), value >= 0, value <= Int(Int32.max) else { return nil }
            return value * factor
        }
        return nil
    }
}
