/// What a pause covers: a slash-separated path such as `training/frontier`.
///
/// Segments are non-empty and use `[a-z0-9._-]` only, at most 256 characters in all, so a scope has
/// exactly one spelling and ancestry is a matter of whole segments: `training` covers
/// `training/frontier` but not `trainingx`.
public struct Scope: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The scope as written.
    public let path: String

    /// Validates a scope string (`invalid_scope` naming the problem).
    public init(_ s: String) throws(BrakeError) {
        func fail(_ why: String) -> BrakeError { BrakeError(.invalidScope, "scope \"\(s)\": \(why)") }
        guard !s.isEmpty else { throw fail("is empty") }
        guard s.utf8.count <= 256 else { throw fail("is longer than 256 characters") }
        for segment in s.split(separator: "/", omittingEmptySubsequences: false) {
            guard !segment.isEmpty else { throw fail("has an empty segment (leading, trailing or double slash)") }
            let ok = segment.utf8.allSatisfy { c in
                (0x61...0x7a).contains(c) || (0x30...0x39).contains(c) || c == UInt8(ascii: ".")
                    || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
            }
            guard ok else { throw fail("segments may use only a-z, 0-9, '.', '_' and '-'") }
        }
        path = s
    }

    /// Whether a pause of this scope covers `other`: equal, or an ancestor by whole segments.
    public func covers(_ other: Scope) -> Bool {
        other.path == path || other.path.hasPrefix(path + "/")
    }

    /// The path.
    public var description: String { path }

    /// Orders by path, so listings are stable.
    public static func < (a: Scope, b: Scope) -> Bool { a.path < b.path }

    /// Decodes a path string, validating it.
    public init(from decoder: any Decoder) throws {
        try self.init(decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the path string.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(path)
    }
}
