/// A JSON document as a value, with one canonical serialization: RFC 8785, the JSON Canonicalization
/// Scheme (JCS), for the values Brake uses.
///
/// Every byte string that Brake signs, hashes or stores is produced by `canonicalBytes()`: object keys
/// sorted by their UTF-16 code units (RFC 8785, section 3.2.3), no insignificant whitespace, strings
/// escaped as ECMAScript's `JSON.stringify` escapes them (section 3.2.2.2), and integers only, within
/// ±(2^53 − 1), which JCS writes as plain decimals (section 3.2.2.3: an IEEE 754 double holds them
/// exactly). So any stock JCS library reproduces a declaration's bytes, hence its id, from the parsed
/// value. Object keys are `JSONKey`s: matched and deduplicated by bytes, never by Swift `String`
/// equality (canonical equivalence), so look-alike keys stay distinct.
/// That makes registry rows, snapshots and ids identical on every machine, whatever order a
/// `Dictionary` happens to iterate in. Parsing is strict (`JSONParser`): numbers are integers within
/// ±(2^53 − 1) (Brake has no fractional quantities, and larger integers would not survive a JCS
/// library's doubles). `Codable` bridges these values to API types.
enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// An integer; canonical documents hold only `JSONValue.safeIntegers`.
    case int(Int64)
    case string(String)
    case array([JSONValue])
    case object([JSONKey: JSONValue])

    /// The integers a canonical document may hold: ±(2^53 − 1), the integers an IEEE 754 double
    /// represents exactly (RFC 8785 section 3.2.2.3; I-JSON, RFC 7493 section 2.2). Brake's largest
    /// numbers are times in milliseconds (year 9999 is below 2^48).
    static let safeIntegers: ClosedRange<Int64> = -(1 << 53 - 1)...(1 << 53 - 1)

    /// Parses JSON bytes strictly (see `JSONParser`): anything else is `malformed_json`.
    static func parse(_ bytes: [UInt8], what: String) throws(BrakeError) -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw BrakeError(.malformedJSON, "\(what) is not valid JSON: \(error.message)")
        }
    }

    /// The error for a signed payload that parses but is not its own canonical encoding.
    static func notCanonical(_ what: String) -> BrakeError {
        BrakeError(
            .malformedJSON,
            "the \(what) payload must be canonical JSON (sorted keys, no whitespace, times in whole seconds, "
                + "minimal escapes); sign the bytes that brakectl or payloadBytes() produce")
    }

    /// The canonical serialization (RFC 8785): keys sorted by UTF-16 code units, compact, UTF-8.
    func canonicalBytes() -> [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    private func write(into out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .int(let i):
            // Every producer is bounded (times, durations, counts, indexes clamped by `.index`), and the
            // parser refuses anything outside, so an unsafe integer here is a bug of ours.
            assert(Self.safeIntegers.contains(i), "integer \(i) is outside ±(2^53 - 1)")
            out += Array(String(i).utf8)
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (n, key) in fields.keys.sorted().enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key.text, into: &out)
                out.append(UInt8(ascii: ":"))
                fields[key]!.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Writes a string as RFC 8785 section 3.2.2.2 (ECMAScript `JSON.stringify`) does: `"` and `\` and
    /// the five controls with a short form (BS, TAB, LF, FF, CR) escaped as `\"`, `\\`, `\b`, `\t`, `\n`,
    /// `\f`, `\r`; other controls below 0x20 as `\u00xx` in lowercase hex; everything else, `/` and DEL
    /// and all non-ASCII included, as its UTF-8 bytes. (A Swift `String` holds no lone surrogate, the one
    /// other case `JSON.stringify` escapes.)
    private static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings (ids, base64, scopes) need no escape: copy them whole, not byte by byte.
        guard s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            out.append(contentsOf: s.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x0a: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0c: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0d: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x00..<0x20:
                out += Array("\\u00".utf8)
                out.append(hexDigits[Int(c >> 4)])
                out.append(hexDigits[Int(c & 0x0f)])
            default: out.append(c)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSONValue: Codable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes any JSON value; used both for parsing and to bridge our types' `Codable` conformances.
    init(from decoder: any Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: Key.self) {
            var fields: [JSONKey: JSONValue] = [:]
            for key in keyed.allKeys {
                fields[JSONKey(key.stringValue)] = try keyed.decode(JSONValue.self, forKey: key)
            }
            self = .object(fields)
        } else if var unkeyed = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !unkeyed.isAtEnd {
                items.append(try unkeyed.decode(JSONValue.self))
            }
            self = .array(items)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                self = .null
            } else if let b = try? single.decode(Bool.self) {
                self = .bool(b)
            } else if let i = try? single.decode(Int64.self) {
                guard Self.safeIntegers.contains(i) else {
                    throw DecodingError.dataCorruptedError(
                        in: single, debugDescription: "integer \(i) is outside ±(2^53 - 1)")
                }
                self = .int(i)
            } else if let s = try? single.decode(String.self) {
                self = .string(s)
            } else {
                throw DecodingError.dataCorruptedError(
                    in: single, debugDescription: "only integers within ±(2^53 - 1) are accepted")
            }
        }
    }

    /// Encodes the value, handing object keys to the encoder in canonical order (UTF-16 code units).
    /// Foundation's `JSONEncoder` reorders keys itself: with `.sortedKeys` it sorts by UTF-8 bytes, which
    /// agrees with `canonicalBytes()` unless keys mix characters above U+FFFF with U+E000–U+FFFF (no
    /// Brake field name does); without it the order is unspecified. Signed and stored bytes always come
    /// from `canonicalBytes()`.
    func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .int(let i):
            var c = encoder.singleValueContainer()
            try c.encode(i)
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .array(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(item) }
        case .object(let fields):
            var c = encoder.container(keyedBy: Key.self)
            for key in fields.keys.sorted() {
                try c.encode(fields[key]!, forKey: Key(stringValue: key.text))
            }
        }
    }
}

/// Types whose JSON form Brake defines by hand, so that signed and stored bytes are canonical and
/// parsing is strict. Their `Codable` conformances forward to this form.
protocol JSONConvertible {
    /// Builds the value from JSON, rejecting missing, unknown and ill-typed fields.
    init(json: JSONValue) throws(BrakeError)
    /// The JSON form.
    var json: JSONValue { get }
}

extension JSONConvertible {
    /// Decodes through the hand-written JSON form (the body of each type's `init(from:)`).
    static func decode(from decoder: any Decoder) throws -> Self {
        try Self(json: JSONValue(from: decoder))
    }

    /// Canonical bytes of the JSON form.
    var canonicalBytes: [UInt8] { json.canonicalBytes() }
}
