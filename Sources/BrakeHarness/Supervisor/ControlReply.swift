/// The supervisor's answer, one JSON line.
public struct ControlReply: Sendable, Hashable, Codable {
    /// An error as `{"code","message"}`.
    public struct ErrorBody: Sendable, Hashable, Codable {
        /// A stable `HarnessError.Code` value.
        public var code: String
        /// What went wrong, for people.
        public var message: String
    }

    /// What was done, for people.
    public var done: String?
    /// The federation after the command.
    public var report: FederationReport?
    /// Set when the command failed.
    public var error: ErrorBody?
}
