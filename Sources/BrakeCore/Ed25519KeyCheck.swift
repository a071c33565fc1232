/// The checks Brake makes on the bytes of an Ed25519 public key before it lets any charter list it.
///
/// An Ed25519 public key is the encoding of a curve point: y (255 bits, little-endian) and the sign
/// of x in bit 255 (RFC 8032, section 5.1.3). swift-crypto takes any 32 bytes. Two kinds are refused
/// here, by comparing bytes only:
/// - **Small-order points** (the 8 points of order 1, 2, 4 or 8). With the identity as a key, the
///   signature `01 00…00 ‖ 00…00` verifies for every message, so anyone could sign as the party
///   that lists it; the other seven allow similar forgeries under some verification equations.
/// - **Non-canonical encodings**: y ≥ p (p = 2^255 − 19). Libraries disagree on them, and the same point
///   would have several byte strings, hence several key ids. (The other non-canonical spelling, x = 0
///   with the sign bit set, only exists for y = 1 and y = p − 1, which are small-order.)
///
/// Bytes that are no curve point at all are not detected here: a charter must be signed by every key it
/// lists (`Charter.verify`, proof of possession), and nothing verifies under such bytes. Points of large
/// order with a small-order component (mixed order) are not detected either: that needs a scalar
/// multiplication by the group order, and no forgery follows from them (Specs/registry.md 16).
enum Ed25519KeyCheck {
    /// The y coordinates of the small-order points: 0 (order 4), 1 (the identity), p - 1 (order 2) and
    /// the two y values of the order-8 points. Each y with either x is small-order, so these 5 values
    /// cover all 8 points.
    private static let smallOrderY: [[UInt8]] = [
        [UInt8](repeating: 0, count: 32),
        [1] + [UInt8](repeating: 0, count: 31),
        [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        hex32("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
        hex32("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
    ]

    private static func hex32(_ text: String) -> [UInt8] {
        let digits = Array(text.utf8).map { $0 <= 0x39 ? $0 - 0x30 : $0 - 0x61 + 10 }
        return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }

    /// Whether y (the low 255 bits of `raw`, little-endian) is at least p = 2^255 − 19, whose
    /// little-endian bytes are `ed ff…ff 7f`: only the 19 values p…2^255 − 1 are, and those have every
    /// byte above the lowest at its maximum.
    private static func yIsAtLeastP(_ raw: [UInt8]) -> Bool {
        raw[31] & 0x7f == 0x7f && raw[1...30].allSatisfy { $0 == 0xff } && raw[0] >= 0xed
    }

    /// Why these 32 bytes are not an acceptable public key, or nil if they are.
    static func problem(with raw: [UInt8]) -> String? {
        guard raw.count == 32 else { return "an Ed25519 public key has 32 bytes, not \(raw.count)" }
        guard !yIsAtLeastP(raw) else {
            return "not a canonical Ed25519 public key (y is not below 2^255 - 19)"
        }
        var yBytes = raw
        yBytes[31] &= 0x7f
        if smallOrderY.contains(yBytes) {
            return "a small-order Ed25519 point, under which signatures can be forged"
        }
        return nil
    }
}
