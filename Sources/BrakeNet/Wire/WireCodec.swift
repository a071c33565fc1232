import BrakeRaft
import BrakeReplica
import SwiftProtobuf

/// Maps `PeerMessage` to the protobuf schema of `Specs/peer.proto` and back, strictly.
///
/// Encoding turns a message into the body of one frame (the transport adds the length prefix).
/// Decoding accepts only what the schema and `WireLimits` allow and reports everything else as a
/// `WireError` with a stable code; it never traps, whatever the bytes. Unknown fields are ignored
/// (a newer peer may add them); an unknown body kind is reported as ``WireError/Code/unknownKind``
/// so the transport can drop that one message and keep the connection.
public struct WireCodec: Sendable {
    /// The protocol version this node speaks and sends in every frame.
    public static let version: UInt32 = 1

    /// The bounds decoded values must respect.
    public var limits: WireLimits

    /// Creates a codec with the given bounds.
    public init(limits: WireLimits = WireLimits()) {
        self.limits = limits
    }

    /// The frame body of a hello naming `nodeID`, the dialer's first frame.
    public func encodeHello(_ nodeID: NodeID) throws(WireError) -> [UInt8] {
        var frame = Brake_Peer_V1_Frame()
        frame.version = Self.version
        var hello = Brake_Peer_V1_Hello()
        hello.nodeID = nodeID
        frame.kind = .hello(hello)
        return try serialize(frame)
    }

    /// The frame body of `message`. Fails with ``WireError/Code/unencodable`` when the message
    /// cannot be carried faithfully (a Raft message whose sender or receiver differs from the
    /// envelope's), so a bug in the sender never turns into a different message on the wire.
    public func encode(_ message: PeerMessage) throws(WireError) -> [UInt8] {
        var frame = Brake_Peer_V1_Frame()
        frame.version = Self.version
        frame.kind = .message(try wire(message))
        return try serialize(frame)
    }

    /// Decodes one frame body (without its length prefix).
    public func decode(_ bytes: [UInt8]) throws(WireError) -> WireFrame {
        let frame: Brake_Peer_V1_Frame
        do {
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = 16
            frame = try Brake_Peer_V1_Frame(serializedBytes: bytes, options: options)
        } catch {
            throw WireError(.malformed, "not a brake.peer.v1.Frame: \(error)")
        }
        guard frame.version == Self.version else {
            throw WireError(.unsupportedVersion, "frame version \(frame.version), this node speaks \(Self.version)")
        }
        switch frame.kind {
        case .hello(let hello):
            return .hello(nodeID: try nodeID(hello.nodeID, "hello.node_id"))
        case .message(let message):
            return .message(try peerMessage(message))
        case nil:
            if frame.unknownFields.data.isEmpty {
                throw WireError(.missingField, "frame has neither hello nor message")
            }
            throw WireError(.unknownKind, "frame of a kind this node does not know")
        }
    }

    private func serialize(_ frame: Brake_Peer_V1_Frame) throws(WireError) -> [UInt8] {
        do {
            return try frame.serializedBytes()
        } catch {
            throw WireError(.unencodable, "protobuf serialization failed: \(error)")
        }
    }
}

// MARK: - Field checks shared by the decoders

extension WireCodec {
    /// A node id: 1 to `maxNodeIDBytes` bytes of the charter's identifier alphabet.
    func nodeID(_ value: String, _ field: String) throws(WireError) -> NodeID {
        guard !value.isEmpty else { throw WireError(.missingField, "\(field) is empty") }
        guard value.utf8.count <= limits.maxNodeIDBytes else {
            throw WireError(.tooLong, "\(field) is \(value.utf8.count) bytes, at most \(limits.maxNodeIDBytes)")
        }
        guard value.utf8.allSatisfy(Self.isIdentifierByte) else {
            throw WireError(.outOfRange, "\(field) has bytes outside a-z, 0-9, '.', '_', '-'")
        }
        return value
    }

    /// A short identifier (code, id, party, kind, state): bounded, printable ASCII.
    func identifier(_ value: String, _ field: String, allowEmpty: Bool = false) throws(WireError) -> String {
        guard allowEmpty || !value.isEmpty else { throw WireError(.missingField, "\(field) is empty") }
        guard value.utf8.count <= limits.maxIdentifierBytes else {
            throw WireError(.tooLong, "\(field) is \(value.utf8.count) bytes, at most \(limits.maxIdentifierBytes)")
        }
        guard value.utf8.allSatisfy({ (0x21...0x7e).contains($0) }) else {
            throw WireError(.outOfRange, "\(field) has bytes outside printable ASCII")
        }
        return value
    }

    /// Human text: bounded; any valid UTF-8 (protobuf already checked it).
    func text(_ value: String, _ field: String) throws(WireError) -> String {
        guard value.utf8.count <= limits.maxTextBytes else {
            throw WireError(.tooLong, "\(field) is \(value.utf8.count) bytes, at most \(limits.maxTextBytes)")
        }
        return value
    }

    /// A list no longer than `limit`.
    func bounded<T>(_ list: [T], _ limit: Int, _ field: String) throws(WireError) -> [T] {
        guard list.count <= limit else {
            throw WireError(.tooLong, "\(field) has \(list.count) items, at most \(limit)")
        }
        return list
    }

    private static func isIdentifierByte(_ c: UInt8) -> Bool {
        (0x61...0x7a).contains(c) || (0x30...0x39).contains(c) || c == UInt8(ascii: ".")
            || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
    }
}

extension WireCodec {
    /// The error for a oneof that is unset. With unknown fields present it is a newer peer's
    /// variant (dropped, the connection stays); with none the sender omitted it (malformed).
    func absent(_ noUnknownFields: Bool, _ field: String) -> WireError {
        noUnknownFields
            ? WireError(.missingField, "\(field) is absent")
            : WireError(.unknownKind, "\(field) is a variant this node does not know")
    }
}
