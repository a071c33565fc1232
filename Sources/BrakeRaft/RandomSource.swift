/// The only source of randomness of the Raft core, injected so that a simulation can replay a
/// run from its seed.
public protocol RandomSource: Sendable {
    /// Returns a value in `0..<upperBound`; `upperBound` is always at least 1.
    mutating func next(upperBound: Int) -> Int
}

/// A small, fast, seedable generator (SplitMix64, Steele et al. 2014). Not cryptographic: it
/// only spreads election timeouts.
public struct SplitMix64: RandomSource, RandomNumberGenerator {
    private var state: UInt64

    /// Creates a generator; equal seeds give equal sequences.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// Returns the next raw 64-bit value.
    public mutating func nextUInt64() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `RandomNumberGenerator` conformance, so tests and simulations can use the standard
    /// library's random APIs with a seeded generator.
    public mutating func next() -> UInt64 { nextUInt64() }

    /// Returns a value in `0..<upperBound` (0 if `upperBound` is not positive).
    public mutating func next(upperBound: Int) -> Int {
        guard upperBound > 1 else { return 0 }
        return Int(nextUInt64() % UInt64(upperBound))
    }
}
