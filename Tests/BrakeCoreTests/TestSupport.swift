import BrakeCore

/// Bytes from a hex string (test vectors are written in hex).
func hexBytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var chars = Array(hex.utf8).makeIterator()
    while let hi = chars.next(), let lo = chars.next() {
        out.append(UInt8(String(decoding: [hi, lo], as: UTF8.self), radix: 16)!)
    }
    return out
}

/// Lowercase hex of bytes.
func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { String($0 >> 4, radix: 16) + String($0 & 0xf, radix: 16) }.joined()
}

/// A big-endian byte string of a decimal number, left-padded to `width` (the DSSE spec writes its
/// ECDSA key as decimal integers).
func decimalToBigEndian(_ decimal: String, width: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: width)
    for digit in decimal.utf8 {
        var carry = Int(digit - 0x30)
        for i in stride(from: width - 1, through: 0, by: -1) {
            let v = Int(out[i]) * 10 + carry
            out[i] = UInt8(v & 0xff)
            carry = v >> 8
        }
    }
    return out
}

/// The UTF-8 bytes of a string.
func utf8(_ s: String) -> [UInt8] { Array(s.utf8) }

/// A deterministic 32-byte seed for tests.
func seed(_ n: UInt8) -> [UInt8] { [UInt8](repeating: n, count: 32) }

/// The error a throwing closure throws, or nil.
func brakeError<T>(_ body: () throws(BrakeError) -> T) -> BrakeError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}
