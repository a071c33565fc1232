import BrakeRaft

/// The simulation's only source of randomness: xoshiro256** (Blackman and Vigna, 2018), seeded
/// through SplitMix64 so that neighbouring seeds give unrelated streams.
///
/// Everything the simulator decides (latencies, losses, crashes, client actions, and each Raft
/// node's election jitter) draws from a `SimRandom` derived from the run's seed, which is what
/// makes a run replay exactly. Not cryptographic.
public struct SimRandom: RandomSource {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator; equal seeds give equal sequences.
    public init(seed: UInt64) {
        var mix = seed
        func splitMix() -> UInt64 {
            mix &+= 0x9E37_79B9_7F4A_7C15
            var z = mix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// Returns the next raw 64-bit value.
    public mutating func nextUInt64() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Returns a value in `0..<upperBound` (0 if `upperBound` is below 2). The tiny modulo bias
    /// does not matter for a simulation.
    public mutating func next(upperBound: Int) -> Int {
        guard upperBound > 1 else { return 0 }
        return Int(nextUInt64() % UInt64(upperBound))
    }

    /// A value in `range` (the lower bound if the range is empty).
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + next(upperBound: range.count)
    }

    /// True with probability `p` (0 never, 1 always).
    public mutating func chance(_ p: Double) -> Bool {
        guard p > 0 else { return false }
        guard p < 1 else { return true }
        return Double(nextUInt64() >> 11) / Double(1 << 53) < p
    }

    /// A uniformly chosen element, or nil for an empty collection.
    public mutating func pick<C: RandomAccessCollection>(_ items: C) -> C.Element? where C.Index == Int {
        guard !items.isEmpty else { return nil }
        return items[items.startIndex + next(upperBound: items.count)]
    }

    /// A new generator whose stream depends on this one's next value and on `label`, so that
    /// independent consumers (each node's election timer) do not shift each other's draws.
    public mutating func fork(_ label: UInt64) -> SimRandom {
        SimRandom(seed: nextUInt64() ^ (label &* 0xD6E8_FEB8_6659_FD93))
    }
}
