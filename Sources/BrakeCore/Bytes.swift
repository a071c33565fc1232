import Crypto

/// Small byte helpers shared by the codecs of this module: hex, base64 in both DSSE alphabets, SHA-256.
enum Bytes {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lowercase hex, the form of every id in Brake.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for b in bytes {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lowercase hex of the SHA-256 digest: declaration ids, charter ids and key ids.
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// Whether two strings have the same UTF-8 bytes. Swift `String ==` is Unicode canonical
    /// equivalence (`"\u{212A}" == "K"`); every comparison that decides something uses this instead,
    /// so that Brake agrees with implementations that compare bytes.
    static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }

    /// Whether `s` is a party or node id: 1 to 64 of `a-z 0-9 . _ -`. Ids are ASCII so that they have
    /// one spelling, and no string of other bytes is canonically equivalent to one.
    static func isIdentifier(_ s: String) -> Bool {
        (1...64).contains(s.utf8.count) && s.utf8.allSatisfy { c in
            (0x61...0x7a).contains(c) || (0x30...0x39).contains(c) || c == UInt8(ascii: ".")
                || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
        }
    }

    /// Whether `s` is lowercase hex only.
    static func isLowerHex(_ s: String) -> Bool {
        s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Standard base64 with padding: what Brake writes.
    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            let b0 = UInt32(bytes[i]), b1 = n > 1 ? UInt32(bytes[i + 1]) : 0, b2 = n > 2 ? UInt32(bytes[i + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(group >> 18 & 63)])
            out.append(alphabet[Int(group >> 12 & 63)])
            out.append(n > 1 ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "="))
            out.append(n > 2 ? alphabet[Int(group & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes base64 as DSSE requires of verifiers (standard or URL-safe alphabet, with or without
    /// padding), but only canonical text: one alphabet throughout, no whitespace, `=` only at the end
    /// and only as much as completes the last group of four (`aGk=` or `aGk`, never `aGk==`), and zero
    /// spare bits in the last character (`aGl=` is refused, not read as `aGk=`). So every byte string
    /// has exactly four spellings, and two decoders never read one text differently. `bad_base64`.
    static func decodeBase64(_ s: String, field: String) throws(BrakeError) -> [UInt8] {
        func fail(_ why: String) -> BrakeError { BrakeError(.badBase64, "\(field): \(why)") }
        var text = Array(s.utf8)
        var padding = 0
        while text.last == UInt8(ascii: "=") {
            text.removeLast()
            padding += 1
        }
        let tail = text.count % 4
        guard tail != 1 else { throw fail("base64 of impossible length \(s.utf8.count)") }
        guard padding == 0 || (tail != 0 && tail + padding == 4) else {
            throw fail("base64 with wrong padding (\(padding) '=')")
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 3 / 4)
        var standard = false, urlSafe = false
        var bits: UInt32 = 0, count = 0
        for c in text {
            let v: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): v = 62; standard = true
            case UInt8(ascii: "/"): v = 63; standard = true
            case UInt8(ascii: "-"): v = 62; urlSafe = true
            case UInt8(ascii: "_"): v = 63; urlSafe = true
            default: throw fail("not base64 (unexpected character)")
            }
            bits = bits << 6 | v
            count += 6
            if count >= 8 {
                count -= 8
                out.append(UInt8(truncatingIfNeeded: bits >> UInt32(count)))
                bits &= (1 << UInt32(count)) - 1
            }
        }
        guard !(standard && urlSafe) else { throw fail("base64 mixing the standard and URL-safe alphabets") }
        guard bits == 0 else { throw fail("non-canonical base64 (the unused bits of the last character are not zero)") }
        return out
    }
}
