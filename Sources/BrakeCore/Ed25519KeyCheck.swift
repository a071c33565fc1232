/// The checks Brake makes on an Ed25519 public key before it lets any charter list it.
///
/// An Ed25519 public key is the encoding of a curve point: y (255 bits, little-endian) and the sign
/// of x in bit 255 (RFC 8032, section 5.1.3). swift-crypto takes any 32 bytes. Three kinds are refused:
/// - **Small-order points** (the 8 points of order 1, 2, 4 or 8). With the identity as a key, the
///   signature `01 00…00 ‖ 00…00` verifies for every message, so anyone could sign as the party
///   that lists it; the other seven allow similar forgeries under some verification equations.
/// - **Non-canonical encodings**: y ≥ p, or x = 0 with the sign bit set. Libraries disagree on them,
///   and the same point would have several byte strings, hence several key ids.
/// - **Bytes that are not a point** at all: no signature ever verifies under them, so a party
///   listing one could never sign, and libraries may reject them at different moments.
///
/// Points of large order with a small-order component (mixed order) are not detected: that needs a
/// scalar multiplication by the group order, and no forgery follows from them (Specs/registry.md 16).
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

    /// Why these 32 bytes are not an acceptable public key, or nil if they are.
    static func problem(with raw: [UInt8]) -> String? {
        guard raw.count == 32 else { return "an Ed25519 public key has 32 bytes, not \(raw.count)" }
        guard let y = FieldElement25519(canonical: raw) else {
            return "not a canonical Ed25519 public key (y is not below 2^255 - 19)"
        }
        var yBytes = raw
        yBytes[31] &= 0x7f
        if smallOrderY.contains(yBytes) {
            return "a small-order Ed25519 point, under which signatures can be forged"
        }
        // x^2 = (y^2 - 1) / (d y^2 + 1) must have a root. The denominator is never 0 (-1/d is not a
        // square), so that holds exactly when the product of numerator and denominator is a square.
        // x = 0 only for y = 1 or y = p - 1, both refused above, so the sign bit needs no check here.
        let y2 = y * y
        guard ((y2 - .one) * (FieldElement25519.d * y2 + .one)).isSquare else {
            return "not an Ed25519 public key (the bytes encode no curve point)"
        }
        return nil
    }
}
