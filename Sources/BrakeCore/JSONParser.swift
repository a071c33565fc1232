/// A strict JSON parser (RFC 8259) for the bytes Brake verifies and stores.
///
/// Foundation's decoder silently keeps one of two duplicate keys, so `{"scope":"a","scope":"b"}` could
/// read differently in another tool than in Brake, and a party could be shown one thing and sign
/// another. This parser rejects duplicate keys (byte-identical after unescaping: keys are `JSONKey`s,
/// so canonically equivalent spellings are different keys), numbers that are not integers within
/// ±(2^53 − 1) (Brake has no other numbers, and a JCS library's doubles hold no larger integer exactly),
/// invalid UTF-8, and nesting deeper than 64 levels; it never traps.
struct JSONParser {
    /// Why parsing failed, with the byte offset.
    struct Failure: Error {
        var message: String
    }

    private let bytes: [UInt8]
    private var pos = 0
    private var depth = 0
    private static let maxDepth = 64

    /// Parses one JSON document; surrounding whitespace is allowed, anything else after it is not.
    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.pos == bytes.count else { throw parser.fail("unexpected data after the document") }
        return value
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private func fail(_ message: String) -> Failure {
        Failure(message: "\(message) at byte \(pos)")
    }

    private var peek: UInt8? { pos < bytes.count ? bytes[pos] : nil }

    private mutating func skipWhitespace() {
        while let c = peek, c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09 { pos += 1 }
    }

    private mutating func expect(_ c: UInt8) throws(Failure) {
        guard peek == c else { throw fail("expected '\(Character(Unicode.Scalar(c)))'") }
        pos += 1
    }

    private mutating func value() throws(Failure) -> JSONValue {
        skipWhitespace()
        guard let c = peek else { throw fail("unexpected end of input") }
        switch c {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .int(try integer())
        default: throw fail("unexpected character")
        }
    }

    private mutating func literal(_ word: String) throws(Failure) {
        for c in word.utf8 { try expect(c) }
    }

    private mutating func nested<T>(_ body: (inout JSONParser) throws(Failure) -> T) throws(Failure) -> T {
        depth += 1
        guard depth <= Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth) levels") }
        defer { depth -= 1 }
        return try body(&self)
    }

    private mutating func object() throws(Failure) -> JSONValue {
        try nested { (p: inout JSONParser) throws(Failure) -> JSONValue in
            try p.expect(UInt8(ascii: "{"))
            var fields: [JSONKey: JSONValue] = [:]
            p.skipWhitespace()
            if p.peek == UInt8(ascii: "}") {
                p.pos += 1
                return .object(fields)
            }
            while true {
                p.skipWhitespace()
                guard p.peek == UInt8(ascii: "\"") else { throw p.fail("expected a string key") }
                let keyStart = p.pos
                let key = JSONKey(try p.string())
                guard fields[key] == nil else {
                    p.pos = keyStart
                    throw p.fail("duplicate key \"\(key)\"")
                }
                p.skipWhitespace()
                try p.expect(UInt8(ascii: ":"))
                fields[key] = try p.value()
                p.skipWhitespace()
                if p.peek == UInt8(ascii: ",") {
                    p.pos += 1
                    continue
                }
                try p.expect(UInt8(ascii: "}"))
                return .object(fields)
            }
        }
    }

    private mutating func array() throws(Failure) -> JSONValue {
        try nested { (p: inout JSONParser) throws(Failure) -> JSONValue in
            try p.expect(UInt8(ascii: "["))
            var items: [JSONValue] = []
            p.skipWhitespace()
            if p.peek == UInt8(ascii: "]") {
                p.pos += 1
                return .array(items)
            }
            while true {
                items.append(try p.value())
                p.skipWhitespace()
                if p.peek == UInt8(ascii: ",") {
                    p.pos += 1
                    continue
                }
                try p.expect(UInt8(ascii: "]"))
                return .array(items)
            }
        }
    }

    private mutating func integer() throws(Failure) -> Int64 {
        let negative = peek == UInt8(ascii: "-")
        if negative { pos += 1 }
        guard let first = peek, (0x30...0x39).contains(first) else { throw fail("expected a digit") }
        var n: Int64 = 0
        var digits = 0
        while let c = peek, (0x30...0x39).contains(c) {
            guard !(digits == 1 && n == 0) else { throw fail("leading zero in a number") }
            let d = Int64(c - 0x30)
            let (times10, o1) = n.multipliedReportingOverflow(by: 10)
            // Accumulate negatively so that Int64.min parses.
            let (next, o2) = negative ? times10.subtractingReportingOverflow(d) : times10.addingReportingOverflow(d)
            guard !o1, !o2 else { throw fail("number does not fit in 64 bits") }
            n = next
            digits += 1
            pos += 1
        }
        if let c = peek, c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            throw fail("only integers are accepted")
        }
        guard JSONValue.safeIntegers.contains(n) else { throw fail("integer outside ±(2^53 - 1)") }
        return n
    }

    private mutating func string() throws(Failure) -> String {
        try expect(UInt8(ascii: "\""))
        var out: [UInt8] = []
        while true {
            guard let c = peek else { throw fail("unterminated string") }
            pos += 1
            switch c {
            case UInt8(ascii: "\""):
                guard let s = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8 in a string") }
                return s
            case UInt8(ascii: "\\"):
                try escape(into: &out)
            case 0x00..<0x20:
                pos -= 1
                throw fail("unescaped control character in a string")
            default:
                out.append(c)
            }
        }
    }

    private mutating func escape(into out: inout [UInt8]) throws(Failure) {
        guard let c = peek else { throw fail("unterminated escape") }
        pos += 1
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(c)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0c)
        case UInt8(ascii: "n"): out.append(0x0a)
        case UInt8(ascii: "r"): out.append(0x0d)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard peek == UInt8(ascii: "\\") else { throw fail("lone surrogate") }
                pos += 1
                try expect(UInt8(ascii: "u"))
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw fail("lone surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let u = Unicode.Scalar(scalar) else { throw fail("lone surrogate") }
            out += Array(String(Character(u)).utf8)
        default:
            throw fail("invalid escape")
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let c = peek else { throw fail("unterminated \\u escape") }
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw fail("invalid \\u escape")
            }
            v = v * 16 + d
            pos += 1
        }
        return v
    }
}
