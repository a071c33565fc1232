/// A streaming 64-bit hash in the style of FNV-1a, stable across processes and platforms (unlike `Hasher`,
/// which is seeded per process). It fingerprints a run's trace for the determinism test and
/// chains log entries for the log matching check.
public struct TraceHasher: Sendable, Hashable {
    /// The hash of everything combined so far.
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    /// Starts an empty hash.
    public init() {}

    /// Mixes in raw bytes, eight at a time (a byte loop is slow in debug builds, where the
    /// simulation tests run).
    public mutating func combine(bytes: [UInt8]) {
        var h = value
        bytes.withUnsafeBytes { raw in
            let count = raw.count
            var offset = 0
            while offset + 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                h = (h ^ word) &* 0x0000_0100_0000_01B3
                h ^= h >> 29
                offset += 8
            }
            while offset < count {
                h = (h ^ UInt64(raw[offset])) &* 0x0000_0100_0000_01B3
                offset += 1
            }
        }
        value = h ^ UInt64(bytes.count)
    }

    /// Mixes in a 64-bit value, little-endian.
    public mutating func combine(_ number: UInt64) {
        var n = number
        for _ in 0..<8 {
            value ^= n & 0xFF
            value &*= 0x0000_0100_0000_01B3
            n >>= 8
        }
    }

    /// Mixes in a string's UTF-8 bytes followed by a separator, so that ("ab","c") ≠ ("a","bc").
    public mutating func combine(_ text: String) {
        combine(bytes: Array(text.utf8))
        combine(UInt64(0xFF))
    }

    /// The hash of `bytes` alone.
    public static func hash(_ bytes: [UInt8]) -> UInt64 {
        var h = TraceHasher()
        h.combine(bytes: bytes)
        return h.value
    }
}
