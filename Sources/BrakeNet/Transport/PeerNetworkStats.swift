/// A snapshot of the transport's counters, for `/metrics` and for tests.
///
/// Connection counts are the connections open now; every other field counts since `start()`.
public struct PeerNetworkStats: Sendable, Hashable {
    /// Inbound connections that completed TLS and the hello and are open now.
    public var connectionsIn: Int = 0
    /// Outbound connections that completed TLS and sent the hello and are open now.
    public var connectionsOut: Int = 0
    /// Frame bytes received, length prefixes included.
    public var bytesIn: UInt64 = 0
    /// Frame bytes handed to outbound connections, length prefixes included.
    public var bytesOut: UInt64 = 0
    /// Frames received.
    public var framesIn: UInt64 = 0
    /// Frames handed to outbound connections.
    public var framesOut: UInt64 = 0
    /// Connections refused at authentication: a peer key matching no pin (or not the dialed
    /// node's), a hello naming another node than the key's, or no hello in time.
    public var refusedHandshakes: UInt64 = 0
    /// Frames dropped because they were oversized, did not decode or broke the protocol; all but
    /// an unknown body kind also closed their connection.
    public var droppedFrames: UInt64 = 0
    /// Messages dropped because `from` was not the authenticated peer or `to` not this node.
    public var senderMismatches: UInt64 = 0
    /// Messages this node could not queue: outbox full, unknown peer, or unencodable.
    public var outboxDrops: UInt64 = 0
    /// Events dropped because the consumer of `events` fell behind its bounded buffer.
    public var eventDrops: UInt64 = 0

    /// All zero.
    public init() {}
}
