import Crypto
import Foundation

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

    /// Whether `s` is lowercase hex only.
    static func isLowerHex(_ s: String) -> Bool {
        s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Standard base64 with padding: what Brake writes.
    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Decodes standard or URL-safe base64, with or without padding, as DSSE requires of verifiers.
    static func decodeBase64(_ s: String, field: String) throws(BrakeError) -> [UInt8] {
        var chars: [UInt8] = []
        chars.reserveCapacity(s.utf8.count + 3)
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "-"): chars.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): chars.append(UInt8(ascii: "/"))
            default: chars.append(c)
            }
        }
        // Padding, if present, must already be complete; if absent, we add it.
        if !chars.contains(UInt8(ascii: "=")) {
            switch chars.count % 4 {
            case 0: break
            case 2: chars += [UInt8(ascii: "="), UInt8(ascii: "=")]
            case 3: chars.append(UInt8(ascii: "="))
            default: throw BrakeError(.badBase64, "\(field): base64 of impossible length \(s.utf8.count)")
            }
        }
        guard let data = Data(base64Encoded: Data(chars)) else {
            throw BrakeError(.badBase64, "\(field): not base64")
        }
        return Array(data)
    }
}
