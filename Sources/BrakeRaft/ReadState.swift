/// The answer to a `readIndex` request: the read is linearizable once the application has
/// applied every entry up to `index`.
public struct ReadState: Sendable, Hashable {
    /// The id the caller passed to `RaftNode.readIndex(requestID:)`.
    public var requestID: UInt64
    /// The leader's commit index when the request arrived, confirmed by a quorum afterwards.
    public var index: UInt64

    /// Creates a read state.
    public init(requestID: UInt64, index: UInt64) {
        self.requestID = requestID
        self.index = index
    }
}
