/// An error of the harness, with a stable code for scripts and a message for people.
///
/// A struct over an internal enum, so codes can be added without breaking callers that switch on
/// `code.rawValue`.
public struct HarnessError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable codes.
    public enum Code: String, Sendable, Hashable {
        /// Bad command-line input: a node number out of range, a malformed partition.
        case usage
        /// A file or directory could not be read or written.
        case file
        /// A tool (`brakectl`, `braked`) failed or is missing.
        case tool
        /// A proxy could not start or forward.
        case proxy
        /// A node process could not be started, signalled or reached.
        case node
        /// The supervisor is not running or did not answer.
        case supervisor
        /// A condition was not reached before its deadline.
        case timeout
        /// The recorded history broke an invariant.
        case violation
    }

    /// What went wrong, as a stable code.
    public let code: Code
    /// What went wrong, for people.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
