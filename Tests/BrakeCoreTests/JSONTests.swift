@testable import BrakeCore
import Foundation
import Testing

@Suite("Strict JSON")
struct JSONTests {
    @Test(arguments: [
        (#"{"b":[1,-2,true,false,null],"a":"x\u00e9\n\"\/"}"#, #"{"a":"xé\n\"/","b":[1,-2,true,false,null]}"#),
        (" {\"k\" : { } , \"e\":[ ]} ", #"{"e":[],"k":{}}"#),
        (#""\ud83d\ude00\u0001""#, "\"😀\\u0001\""),
        ("-9007199254740991", "-9007199254740991"),
        ("9007199254740991", "9007199254740991"),
    ])
    func parsesAndWritesCanonically(input: String, canonical: String) throws {
        let value = try JSONValue.parse(utf8(input), what: "t")
        #expect(String(decoding: value.canonicalBytes(), as: UTF8.self) == canonical)
        #expect(try JSONValue.parse(value.canonicalBytes(), what: "t") == value)
    }

    @Test(arguments: [
        #"{"scope":"a","scope":"b"}"#, #"{"a":1,"\u0061":2}"#, "1.0", "1e2", "01", "-", "9223372036854775808", "9007199254740992",
        #"{"a":1,}"#, "[1,]", "[1 2]", #"{"a" 1}"#, "tru", "\"\u{1}\"", #""\x""#, #""\ud800""#, "\"abc",
        String(repeating: "[", count: 65) + String(repeating: "]", count: 65), "", "1 2", "{}x",
    ])
    func rejects(input: String) {
        #expect(brakeError { () throws(BrakeError) in try JSONValue.parse(utf8(input), what: "t") }?.code == .malformedJSON)
    }

    @Test func rejectsInvalidUTF8() {
        #expect(brakeError { () throws(BrakeError) in try JSONValue.parse([0x22, 0xff, 0x22], what: "t") }?.code == .malformedJSON)
    }

    /// Keys sort by code units, not by Swift's `String <`, also through `Codable` (API output): KELVIN
    /// SIGN (U+212A) sorts after "L" and "é", although Swift's `String <` would put it with "K".
    @Test func keysSortByBytes() throws {
        let value = JSONValue.object(["\u{212A}": .int(1), "L": .int(2), "é": .int(4)])
        let canonical = "{\"L\":2,\"é\":4,\"\u{212A}\":1}"
        #expect(String(decoding: value.canonicalBytes(), as: UTF8.self) == canonical)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let encoded = String(decoding: try encoder.encode(value), as: UTF8.self)
        #expect(encoded == canonical)
    }

    /// A signed payload with a duplicated field is refused, whichever copy another tool would read.
    @Test func duplicateFieldInAMotionIsRefused() {
        let text = String(decoding: DeclarationTests.motion.payloadBytes(), as: UTF8.self)
            .replacing(#""scope":"training""#, with: #""scope":"training","scope":"inference""#)
        let error = brakeError { () throws(BrakeError) in try Motion.parse(payload: utf8(text)) }
        #expect(error?.code == .malformedJSON)
        #expect(error?.message.contains("duplicate key \"scope\"") == true)
    }
}
