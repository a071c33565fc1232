/// Why the transport could not be set up or started.
///
/// Only configuration and startup fail with an error; once running, every per-connection
/// failure is counted in `PeerNetworkStats`, logged, and reported as a `PeerEvent`.
public struct PeerNetworkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, snake_case error code.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The snake_case string logs and the CLI print.
        public let rawValue: String
        /// Wraps a raw code; prefer the static members so codes stay in one list.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The raw code.
        public var description: String { rawValue }

        /// An address that is not HOST:PORT, a malformed pin, a bad bound, two nodes with one pin.
        public static let config = Code(rawValue: "config")
        /// The certificate or the private key does not load, or a TLS context cannot be built.
        public static let tls = Code(rawValue: "tls")
        /// The listener could not bind its address.
        public static let bind = Code(rawValue: "bind")
        /// `start()` after `start()` or after `shutdown()`.
        public static let state = Code(rawValue: "state")
    }

    /// The stable code.
    public let code: Code
    /// A human message naming the problem.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
