/// An object key of a JSON document, compared and hashed by its UTF-8 bytes, ordered by its UTF-16 code
/// units (the order of RFC 8785).
///
/// Swift `String` equality is Unicode canonical equivalence: `"tls\u{212A}ey"` (with KELVIN SIGN)
/// equals `"tlsKey"`. A signed payload must read the same in every implementation, and most compare
/// bytes; so JSON keys are matched and deduplicated by bytes, and a key spelled with a
/// look-alike character is simply another (unknown) key.
struct JSONKey: Hashable, Comparable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The key as decoded (escapes resolved, never normalized).
    let text: String

    /// Wraps a key.
    init(_ text: String) {
        self.text = text
    }

    /// A key written in code.
    init(stringLiteral value: String) {
        self.init(value)
    }

    /// Same UTF-8 bytes.
    static func == (a: JSONKey, b: JSONKey) -> Bool {
        a.text.utf8.elementsEqual(b.text.utf8)
    }

    /// Hashes the UTF-8 bytes (0xFF, which UTF-8 never uses, ends them).
    func hash(into hasher: inout Hasher) {
        for byte in text.utf8 { hasher.combine(byte) }
        hasher.combine(UInt8(0xff))
    }

    /// The order of canonical JSON (RFC 8785, section 3.2.3): lexicographic by UTF-16 code units, as
    /// ECMAScript compares strings. It equals UTF-8 byte order except between characters above U+FFFF
    /// (surrogates D800–DFFF) and U+E000–U+FFFF.
    static func < (a: JSONKey, b: JSONKey) -> Bool {
        a.text.utf16.lexicographicallyPrecedes(b.text.utf16)
    }

    /// The key text.
    var description: String { text }
}
