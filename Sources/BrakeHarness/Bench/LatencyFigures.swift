import Histogram

/// Percentiles of a set of latencies, in milliseconds, read from an HdrHistogram of microseconds
/// (three significant digits), so every figure the benchmark prints comes from the same recorder.
public struct LatencyFigures: Codable, Sendable, Hashable {
    /// How many latencies were recorded.
    public var count: Int
    /// The median.
    public var p50Ms: Double
    /// The 99th percentile.
    public var p99Ms: Double
    /// The largest.
    public var maxMs: Double
    /// The mean.
    public var meanMs: Double

    /// The figures of `histogram` (microseconds); zeros for an empty one.
    public init(_ histogram: Histogram<UInt64>) {
        count = Int(histogram.totalCount)
        guard count > 0 else {
            p50Ms = 0; p99Ms = 0; maxMs = 0; meanMs = 0
            return
        }
        p50Ms = Double(histogram.valueAtPercentile(50)) / 1_000
        p99Ms = Double(histogram.valueAtPercentile(99)) / 1_000
        maxMs = Double(histogram.max) / 1_000
        meanMs = histogram.mean / 1_000
    }

    /// The figures of durations measured one by one (failovers, restarts).
    public init(_ durations: [Duration]) {
        var histogram = Self.emptyHistogram()
        for duration in durations { _ = histogram.record(Self.micros(duration)) }
        self.init(histogram)
    }

    /// A histogram of microseconds from 1 µs to an hour, to three significant digits.
    public static func emptyHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    /// A duration in whole microseconds, at least 1.
    public static func micros(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(1, seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
    }
}
