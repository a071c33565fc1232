/// An object key of a JSON document, compared, hashed and ordered by its UTF-8 bytes.
///
/// Swift `String` equality is Unicode canonical equivalence: `"tls\u{212A}ey"` (with KELVIN SIGN)
/// equals `"tlsKey"`. A signed payload must read the same in every implementation, and most compare
/// bytes; so JSON keys are matched, deduplicated and sorted by bytes, and a key spelled with a
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

    /// Byte order: the order of canonical JSON.
    static func < (a: JSONKey, b: JSONKey) -> Bool {
        a.text.utf8.lexicographicallyPrecedes(b.text.utf8)
    }

    /// The key text.
    var description: String { text }
}
