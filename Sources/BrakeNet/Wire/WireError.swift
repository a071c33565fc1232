/// Why bytes from a peer (or a message this node was asked to send) do not make a valid frame.
///
/// The codec never traps on what a peer sends: every way a frame can be wrong is one of these
/// values, with a stable `code` that logs and metrics can group by and a human `message` that
/// names the field. The transport closes the connection for every code except
/// ``Code/unknownKind``, which a newer peer produces legitimately (a body kind this node does
/// not know yet) and which therefore only drops the one message.
public struct WireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, snake_case error code.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The snake_case string logs and metrics use.
        public let rawValue: String
        /// Wraps a raw code; prefer the static members so codes stay in one list.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The raw code, so interpolating a code prints it plainly.
        public var description: String { rawValue }

        /// The body is not a protobuf `Frame` (truncated, bad wire type, invalid UTF-8, too deep).
        public static let malformed = Code(rawValue: "malformed_frame")
        /// The frame's `version` is not one this node speaks.
        public static let unsupportedVersion = Code(rawValue: "unsupported_version")
        /// A field that must be present (a oneof, a nested message) is absent.
        public static let missingField = Code(rawValue: "missing_field")
        /// The message's body is a kind this node does not know: a newer peer's addition.
        public static let unknownKind = Code(rawValue: "unknown_kind")
        /// A value outside what the field allows (an unknown enum value, an offset past the end,
        /// entries that are not contiguous, an identifier with forbidden bytes).
        public static let outOfRange = Code(rawValue: "out_of_range")
        /// A string or a list longer than `WireLimits` allows.
        public static let tooLong = Code(rawValue: "too_long")
        /// A frame whose length prefix exceeds the frame cap.
        public static let oversized = Code(rawValue: "oversized_frame")
        /// A message this node was asked to send that cannot be encoded faithfully (for example a
        /// Raft message whose sender differs from the envelope's).
        public static let unencodable = Code(rawValue: "unencodable")
    }

    /// The stable code.
    public let code: Code
    /// A human message naming the field or value; not stable.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Whether the connection that carried the frame must close: true for everything but a body
    /// kind this node does not know, which only drops that message.
    public var closesConnection: Bool { code != .unknownKind }

    /// `code: message`, the form logs print.
    public var description: String { "\(code.rawValue): \(message)" }
}
