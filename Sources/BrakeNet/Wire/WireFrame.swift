import BrakeRaft
import BrakeReplica

/// One decoded frame: the dialer's hello, or a peer message.
///
/// A connection carries exactly one hello, first, from the dialer; everything after it is a
/// message. The transport enforces that order; the codec only says which one a frame is.
public enum WireFrame: Sendable, Hashable {
    /// The dialer names itself; the listener compares it with the node TLS authenticated.
    case hello(nodeID: NodeID)
    /// A peer message, validated but not yet checked against the authenticated sender.
    case message(PeerMessage)
}
