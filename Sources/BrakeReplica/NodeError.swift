import BrakeCore


/// An error of a node (its core or its shell), with a stable code the API and the CLI report as they are.
public struct NodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, snake_case error code.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The configuration or the charter file could not be used.
        public static let config = Code(rawValue: "config")
        /// The request body is larger than the API accepts.
        public static let tooLarge = Code(rawValue: "too_large")
        /// The request is not well formed (missing or bad parameter).
        public static let badRequest = Code(rawValue: "bad_request")
        /// No such motion, pause or route.
        public static let notFound = Code(rawValue: "not_found")
        /// This node is not the leader and cannot forward the submission.
        public static let notLeader = Code(rawValue: "not_leader")
        /// The entry was overwritten by a new leader before it committed; resubmit.
        public static let dropped = Code(rawValue: "proposal_dropped")
        /// The node stopped writing after a storage failure.
        public static let halted = Code(rawValue: "node_halted")
        /// Too many proposals wait to commit; try again shortly.
        public static let overloaded = Code(rawValue: "overloaded")
        /// The node's store is inconsistent (its registry and its log disagree); it refuses to serve.
        public static let inconsistentStore = Code(rawValue: "inconsistent_store")
        /// As many event streams are open as the node allows; try again later.
        public static let tooManyStreams = Code(rawValue: "too_many_streams")
        /// The events, entries or proofs asked for need history this node does not keep (it installed a
        /// snapshot, and fetching the history before it from peers is not built).
        public static let historyUnavailable = Code(rawValue: "history_unavailable")
        /// A log index or tree size the node's history cannot answer for: beyond its tree, or an entry
        /// that is not a leaf of it.
        public static let outOfRange = Code(rawValue: "out_of_range")
        /// The pending pool holds as many declarations or bytes as it may; retry once some commit.
        public static let poolFull = Code(rawValue: "pool_full")
        /// The node is shutting down.
        public static let unavailable = Code(rawValue: "unavailable")
        /// The node restarted and is still loading its registry from its store: `check` answers
        /// already (from the store's check index), submissions and registry reads wait; retry shortly.
        public static let registryLoading = Code(rawValue: "registry_loading")
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

    public var description: String { "\(code.rawValue): \(message)" }
}
