import NIOCore

/// Splits a peer connection's byte stream into frame bodies: a 4-byte big-endian length, then
/// that many bytes.
///
/// A length above the cap throws ``WireError/Code/oversized`` before a single body byte is
/// buffered, so a peer cannot make this node hold more than `cap + 4` bytes for one frame.
/// `ByteToMessageHandler` passes the error down the pipeline, where the connection's handler
/// counts it and closes that connection; nothing else is affected.
struct FrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    /// The largest body accepted, in bytes.
    let cap: Int

    init(cap: Int) {
        self.cap = cap
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
            return .needMoreData
        }
        guard UInt64(length) <= UInt64(cap) else {
            throw WireError(.oversized, "frame of \(length) bytes, the cap is \(cap)")
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        guard let body = buffer.readSlice(length: Int(length)) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(body))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        // Whole frames still buffered are delivered; a partial one at EOF is simply lost, as a
        // message is whenever a connection drops.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
