/// Strict access to the fields of a JSON object.
///
/// Each accessor marks its field as used; `finish()` then rejects any field nobody asked for, so an
/// unknown field in a signed payload is an error rather than silently ignored data. Errors carry the
/// code of the caller's domain (`malformed_json` for declarations, `invalid_charter` for a charter…).
/// Field names are matched by their UTF-8 bytes (`JSONKey`): `"checkpoint\u212Aey"` is not `checkpointKey`.
struct JSONFields {
    private let fields: [JSONKey: JSONValue]
    private let what: String
    private let code: BrakeError.Code

    /// Requires `value` to be an object.
    init(_ value: JSONValue, what: String, code: BrakeError.Code = .malformedJSON) throws(BrakeError) {
        guard case .object(let fields) = value else {
            throw BrakeError(code, "\(what) must be a JSON object")
        }
        self.fields = fields
        self.what = what
        self.code = code
    }

    /// An error in this object's domain, naming the object.
    func error(_ message: String) -> BrakeError {
        BrakeError(code, "\(what): \(message)")
    }

    /// Rejects fields outside `known`.
    func finish(known: Set<String>) throws(BrakeError) {
        let knownKeys = Set(known.map { JSONKey($0) })
        let unknown = fields.keys.filter { !knownKeys.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw error("unknown field(s) \(unknown.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
    }

    /// Whether the field is present (even as null).
    func has(_ key: String) -> Bool { fields[JSONKey(key)] != nil }

    /// A required field of any type.
    func value(_ key: String) throws(BrakeError) -> JSONValue {
        guard let v = fields[JSONKey(key)] else { throw error("missing field \"\(key)\"") }
        return v
    }

    /// A required string.
    func string(_ key: String) throws(BrakeError) -> String {
        guard case .string(let s) = try value(key) else { throw error("\"\(key)\" must be a string") }
        return s
    }

    /// A required field that is a string or null.
    func nullableString(_ key: String) throws(BrakeError) -> String? {
        switch try value(key) {
        case .null: return nil
        case .string(let s): return s
        default: throw error("\"\(key)\" must be a string or null")
        }
    }

    /// A required integer.
    func int(_ key: String) throws(BrakeError) -> Int64 {
        guard case .int(let i) = try value(key) else { throw error("\"\(key)\" must be an integer") }
        return i
    }

    /// A required field that is an integer or null.
    func nullableInt(_ key: String) throws(BrakeError) -> Int64? {
        switch try value(key) {
        case .null: return nil
        case .int(let i): return i
        default: throw error("\"\(key)\" must be an integer or null")
        }
    }

    /// A required non-negative integer, as an index.
    func index(_ key: String) throws(BrakeError) -> UInt64 {
        let i = try int(key)
        guard i >= 0 else { throw error("\"\(key)\" must not be negative") }
        return UInt64(i)
    }

    /// A required field that is a non-negative integer or null.
    func nullableIndex(_ key: String) throws(BrakeError) -> UInt64? {
        guard let i = try nullableInt(key) else { return nil }
        guard i >= 0 else { throw error("\"\(key)\" must not be negative") }
        return UInt64(i)
    }

    /// A required array.
    func array(_ key: String) throws(BrakeError) -> [JSONValue] {
        guard case .array(let a) = try value(key) else { throw error("\"\(key)\" must be an array") }
        return a
    }

    /// A required array of strings.
    func strings(_ key: String) throws(BrakeError) -> [String] {
        var out: [String] = []
        for item in try array(key) {
            guard case .string(let s) = item else { throw error("\"\(key)\" must hold only strings") }
            out.append(s)
        }
        return out
    }
}

extension JSONValue {
    /// A JSON integer from an index; indexes never reach 2^53 in practice, so this clamps to the
    /// integers canonical JSON holds (`JSONValue.safeIntegers`).
    static func index(_ i: UInt64) -> JSONValue { .int(Int64(clamping: min(i, UInt64(JSONValue.safeIntegers.upperBound)))) }
    /// A JSON integer or null.
    static func index(_ i: UInt64?) -> JSONValue { i.map { .index($0) } ?? .null }
    /// A JSON string or null.
    static func string(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
    /// A JSON integer or null.
    static func int(_ i: Int64?) -> JSONValue { i.map { .int($0) } ?? .null }
    /// A JSON array of strings.
    static func strings(_ a: [String]) -> JSONValue { .array(a.map { .string($0) }) }
}
