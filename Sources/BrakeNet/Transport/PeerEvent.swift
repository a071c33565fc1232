import BrakeRaft
import BrakeReplica

/// What the transport tells the node core.
public enum PeerEvent: Sendable, Hashable {
    /// A message from a peer. Its `from` is the node that mutual TLS authenticated on the
    /// connection and its `to` is this node: anything else was dropped and counted.
    case message(PeerMessage)
    /// A message to this peer could not be delivered: its outbox was full, or dialing it or the
    /// TLS handshake failed. Raft's unreachable report: the leader stops pipelining to it and
    /// probes instead.
    case unreachable(NodeID)
    /// An established connection with this peer closed or reset, in either direction. A follower
    /// whose leader this is starts a pre-vote at once instead of waiting out its election
    /// timeout; pre-vote keeps that safe when the leader is in fact alive.
    case peerDisconnected(NodeID)
}
