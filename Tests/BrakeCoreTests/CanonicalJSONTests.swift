@testable import BrakeCore
import Foundation
import Testing

/// The canonical JSON is RFC 8785 (JCS) for the values Brake uses, so any stock JCS library
/// reproduces a declaration's bytes and id.
@Suite("Canonical JSON is RFC 8785")
struct CanonicalJSONTests {
    static func canonical(_ text: String) throws -> String {
        String(decoding: try JSONValue.parse(utf8(text), what: "t").canonicalBytes(), as: UTF8.self)
    }

    /// RFC 8785 section 3.2.3: properties sorted by UTF-16 code units. The emoji (surrogates D83D DE00)
    /// sorts before U+FB33, although its UTF-8 bytes (F0…) sort after U+FB33's (EF…).
    @Test func sortsKeysByUTF16CodeUnits() throws {
        let input = #"""
            {"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
             "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control",
             "\u00f6": "Latin Small Letter O With Diaeresis"}
            """#
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\","
            + "\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\","
            + "\"\u{1F600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        #expect(try utf8(Self.canonical(input)) == utf8(expected))
    }

    /// RFC 8785 section 3.2.2's example without its fractional numbers, which Brake refuses.
    @Test func escapesStringsAsTheRFCExample() throws {
        let input = #"""
            {
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """#
        let expected = #"{"literals":[null,true,false],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        #expect(try utf8(Self.canonical(input)) == utf8(expected))
    }

    /// The five controls with a short escape use it (ECMAScript `JSON.stringify`); others are `\u00xx`.
    @Test func shortEscapesForTheFiveControls() throws {
        let value = JSONValue.string("\u{8}\u{9}\u{a}\u{c}\u{d}\u{0}\u{1f}\u{7f}/")
        #expect(String(decoding: value.canonicalBytes(), as: UTF8.self) == "\"\\b\\t\\n\\f\\r\\u0000\\u001f\u{7f}/\"")
    }

    /// RFC 8785 appendix B's integers that an IEEE 754 double holds exactly; beyond ±(2^53 − 1) Brake
    /// refuses (a JCS library would write 2^53 + 1 as 9007199254740992).
    @Test(arguments: [("0", "0"), ("-0", "0"), ("9007199254740991", "9007199254740991"), ("-9007199254740991", "-9007199254740991"), ("1000000", "1000000")])
    func integers(input: String, expected: String) throws {
        #expect(try Self.canonical(input) == expected)
    }

    @Test(arguments: ["9007199254740992", "-9007199254740992", "9007199254740993", "9223372036854775807", "1e3", "1.5", "1E+30"])
    func unsafeOrFractionalNumbersAreRefused(input: String) {
        #expect(brakeError { () throws(BrakeError) in try JSONValue.parse(utf8(input), what: "t") }?.code == .malformedJSON)
    }

    /// Integers beyond ±(2^53 − 1) are refused through `Codable` too (API bodies decoded into our types).
    @Test func codableRefusesUnsafeIntegers() {
        #expect(throws: (any Error).self) { try JSONDecoder().decode(JSONValue.self, from: Data("[9007199254740992]".utf8)) }
        #expect((try? JSONDecoder().decode(JSONValue.self, from: Data("[9007199254740991]".utf8))) == .array([.int(9_007_199_254_740_991)]))
    }

    struct Fixture: Decodable {
        struct Case: Decodable {
            var input: String
            var canonical: String
        }
        var library: String
        var cases: [Case]
    }

    /// Random integer-only documents canonicalized by a stock JCS library (`rfc8785` from PyPI, see
    /// Tests/Vectors/jcs/generate.py): Brake parses each input and writes exactly the library's bytes,
    /// and its output is its own canonical form.
    @Test func agreesWithAStockJCSLibrary() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Vectors/jcs/rfc8785-python.json").standardized
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        #expect(fixture.cases.count > 300)
        for (n, c) in fixture.cases.enumerated() {
            let value = try JSONValue.parse(utf8(c.input), what: "case \(n)")
            let bytes = value.canonicalBytes()
            #expect(bytes == utf8(c.canonical), "case \(n) (\(fixture.library)): \(c.input)")
            #expect(try JSONValue.parse(bytes, what: "t").canonicalBytes() == bytes)
        }
    }
}
