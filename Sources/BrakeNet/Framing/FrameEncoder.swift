import NIOCore

/// Writes frame bodies with their 4-byte big-endian length.
///
/// The sender checks a body against the cap before it queues it (`PeerLink`); this encoder
/// checks again so that no code path can put a frame on the wire that the receiver must refuse.
struct FrameEncoder: MessageToByteEncoder {
    typealias OutboundIn = [UInt8]

    /// The largest body written, in bytes.
    let cap: Int

    func encode(data: [UInt8], out: inout ByteBuffer) throws {
        guard data.count <= cap else {
            throw WireError(.oversized, "refusing to write a frame of \(data.count) bytes, the cap is \(cap)")
        }
        out.reserveCapacity(4 + data.count)
        out.writeInteger(UInt32(data.count), endianness: .big)
        out.writeBytes(data)
    }
}
