/// Standard padded base64 (RFC 4648 section 4) for the modules that must not import Foundation,
/// such as BrakeLog's signed notes: one spelling per byte string, both ways.
public enum Base64 {
    /// The standard, padded encoding.
    public static func encode(_ bytes: [UInt8]) -> String { Bytes.base64(bytes) }

    /// The bytes of `text` if it is exactly their standard padded encoding (so `AAA` or `AA-_` are
    /// refused), nil otherwise.
    public static func decodeStandard(_ text: some StringProtocol) -> [UInt8]? {
        let text = String(text)
        guard let bytes = try? Bytes.decodeBase64(text, field: "base64"), Bytes.base64(bytes) == text else { return nil }
        return bytes
    }
}
