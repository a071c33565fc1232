/// An element of GF(p), p = 2^255 - 19: just enough arithmetic to check Ed25519 public keys.
///
/// swift-crypto accepts any 32 bytes as an Ed25519 public key, so Brake checks the encoding itself
/// (see `Ed25519KeyCheck`). That needs multiplication and exponentiation modulo p, nothing more, and
/// only on public data, so this is a plain, readable, variable-time implementation: four 64-bit limbs,
/// little-endian, always fully reduced (`< p`). It never signs or verifies anything.
struct FieldElement25519: Equatable {
    /// Little-endian 64-bit limbs of a value below p.
    private(set) var limbs: [UInt64]

    /// p = 2^255 - 19.
    static let p: [UInt64] = [0xffff_ffff_ffff_ffed, 0xffff_ffff_ffff_ffff, 0xffff_ffff_ffff_ffff, 0x7fff_ffff_ffff_ffff]
    /// 0.
    static let zero = FieldElement25519(reduced: [0, 0, 0, 0])
    /// 1.
    static let one = FieldElement25519(reduced: [1, 0, 0, 0])
    /// The curve constant d = -121665/121666 of edwards25519 (RFC 8032, section 5.1).
    static let d = FieldElement25519(reduced: [0x75eb_4dca_1359_78a3, 0x0070_0a4d_4141_d8ab, 0x8cc7_4079_7779_e898, 0x5203_6cee_2b6f_fe73])
    /// (p - 1) / 2 = 2^254 - 10, the exponent of Euler's criterion.
    private static let halfPMinusOne: [UInt64] = [0xffff_ffff_ffff_fff6, 0xffff_ffff_ffff_ffff, 0xffff_ffff_ffff_ffff, 0x3fff_ffff_ffff_ffff]

    private init(reduced limbs: [UInt64]) {
        self.limbs = limbs
    }

    /// The value of 32 little-endian bytes with bit 255 cleared, or nil if that value is not below p
    /// (a non-canonical encoding).
    init?(canonical bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        var limbs = [UInt64](repeating: 0, count: 4)
        for (i, byte) in bytes.enumerated() {
            limbs[i / 8] |= UInt64(byte) << (8 * UInt64(i % 8))
        }
        limbs[3] &= 0x7fff_ffff_ffff_ffff
        guard Self.isBelowP(limbs) else { return nil }
        self.limbs = limbs
    }

    private static func isBelowP(_ a: [UInt64]) -> Bool {
        for i in stride(from: 3, through: 0, by: -1) where a[i] != p[i] {
            return a[i] < p[i]
        }
        return false
    }

    /// Subtracts p while the value is at least p; the callers never pass more than 2^256 - 1 (< 3p).
    private static func normalized(_ a: [UInt64]) -> FieldElement25519 {
        var a = a
        while !isBelowP(a) {
            var borrow = false
            for i in 0..<4 {
                let (s1, b1) = a[i].subtractingReportingOverflow(p[i])
                let (s2, b2) = s1.subtractingReportingOverflow(borrow ? 1 : 0)
                a[i] = s2
                borrow = b1 || b2
            }
        }
        return FieldElement25519(reduced: a)
    }

    /// Adds four-limb numbers; returns the low 256 bits and the carry out.
    private static func add(_ a: [UInt64], _ b: [UInt64]) -> ([UInt64], Bool) {
        var out = [UInt64](repeating: 0, count: 4)
        var carry = false
        for i in 0..<4 {
            let (s1, c1) = a[i].addingReportingOverflow(b[i])
            let (s2, c2) = s1.addingReportingOverflow(carry ? 1 : 0)
            out[i] = s2
            carry = c1 || c2
        }
        return (out, carry)
    }

    static func + (a: FieldElement25519, b: FieldElement25519) -> FieldElement25519 {
        // a, b < p < 2^255, so the sum fits in 256 bits.
        normalized(add(a.limbs, b.limbs).0)
    }

    static func - (a: FieldElement25519, b: FieldElement25519) -> FieldElement25519 {
        // a + (p - b): below 2p, fits in 256 bits.
        var pMinusB = [UInt64](repeating: 0, count: 4)
        var borrow = false
        for i in 0..<4 {
            let (s1, b1) = p[i].subtractingReportingOverflow(b.limbs[i])
            let (s2, b2) = s1.subtractingReportingOverflow(borrow ? 1 : 0)
            pMinusB[i] = s2
            borrow = b1 || b2
        }
        return normalized(add(a.limbs, pMinusB).0)
    }

    static func * (a: FieldElement25519, b: FieldElement25519) -> FieldElement25519 {
        // Schoolbook 256 x 256 -> 512 bits; each step t + x*y + carry < 2^128, so nothing overflows.
        var t = [UInt64](repeating: 0, count: 8)
        for i in 0..<4 {
            var carry: UInt64 = 0
            for j in 0..<4 {
                let (hi, lo) = a.limbs[i].multipliedFullWidth(by: b.limbs[j])
                let (s1, c1) = t[i + j].addingReportingOverflow(lo)
                let (s2, c2) = s1.addingReportingOverflow(carry)
                t[i + j] = s2
                carry = hi &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
            }
            t[i + 4] = carry
        }
        // 2^256 = 38 (mod p): fold the high half in as high * 38.
        var folded = [UInt64](repeating: 0, count: 4)
        var carry: UInt64 = 0
        for i in 0..<4 {
            let (hi, lo) = t[i + 4].multipliedFullWidth(by: 38)
            let (s1, c1) = t[i].addingReportingOverflow(lo)
            let (s2, c2) = s1.addingReportingOverflow(carry)
            folded[i] = s2
            carry = hi &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
        }
        // carry <= 38: fold once more; a final carry out of that is again worth 38.
        var (sum, out) = add(folded, [carry &* 38, 0, 0, 0])
        if out { (sum, out) = add(sum, [38, 0, 0, 0]) }
        return normalized(sum)
    }

    /// self^exponent, exponent as little-endian limbs (square and multiply, variable time: public data only).
    private func power(_ exponent: [UInt64]) -> FieldElement25519 {
        var result = Self.one
        for i in stride(from: 255, through: 0, by: -1) {
            result = result * result
            if (exponent[i / 64] >> UInt64(i % 64)) & 1 == 1 { result = result * self }
        }
        return result
    }

    /// Whether the value is a square modulo p (zero counts), by Euler's criterion.
    var isSquare: Bool {
        self == .zero || power(Self.halfPMinusOne) == .one
    }
}
