import BrakeRaft
import BrakeReplica
import NIOCore

/// The last handler of an inbound (receive-only) peer connection.
///
/// The pipeline in front of it has authenticated the peer's TLS key against the charter's pins
/// (`authenticated`, set by the verification callback) and split the stream into frame bodies.
/// This handler requires the first frame to be a hello naming that same node, then turns frames
/// into `PeerEvent.message`s, dropping any whose `from` is not the authenticated node or whose
/// `to` is not this one. A frame that does not decode, or breaks that order, closes this
/// connection and only this one.
final class InboundPeerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    /// Who the TLS handshake proved the peer to be; set by the verification callback before any
    /// frame can arrive. A class so that callback and handler share it on the channel's loop.
    final class Identity {
        var nodeID: NodeID?
        init(_ nodeID: NodeID? = nil) { self.nodeID = nodeID }
    }

    private enum State {
        case awaitingHello
        case established(NodeID)
        case closed
    }

    private let localID: NodeID
    private let codec: WireCodec
    private let identity: Identity
    private let sink: PeerSink
    private let helloTimeout: TimeAmount
    private var state = State.awaitingHello
    private var helloDeadline: Scheduled<Void>?

    init(localID: NodeID, codec: WireCodec, identity: Identity, sink: PeerSink, helloTimeout: TimeAmount) {
        self.localID = localID
        self.codec = codec
        self.identity = identity
        self.sink = sink
        self.helloTimeout = helloTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        helloDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: helloTimeout) {
            guard case .awaitingHello = self.state else { return }
            self.refuse(context: context, "no hello within \(self.helloTimeout)")
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        helloDeadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let body = unwrapInboundIn(data)
        sink.count {
            $0.framesIn += 1
            $0.bytesIn += UInt64(4 + body.readableBytes)
        }
        let frame: WireFrame
        do {
            frame = try codec.decode(Array(body.readableBytesView))
        } catch {
            sink.count { $0.droppedFrames += 1 }
            guard error.closesConnection else {
                sink.logger.debug("peer frame dropped", metadata: ["peer": "\(peerName)", "error": "\(error)"])
                return
            }
            drop(context: context, error)
            return
        }
        switch (state, frame) {
        case (.awaitingHello, .hello(let claimed)):
            helloDeadline?.cancel()
            guard let proven = identity.nodeID, claimed == proven else {
                refuse(context: context, "hello claims \(claimed), TLS key is \(identity.nodeID ?? "nobody")'s")
                return
            }
            state = .established(proven)
            sink.count { $0.connectionsIn += 1 }
            sink.logger.info("peer connected in", metadata: ["peer": "\(proven)"])
        case (.awaitingHello, .message):
            refuse(context: context, "a message before the hello")
        case (.established, .hello):
            sink.count { $0.droppedFrames += 1 }
            drop(context: context, WireError(.outOfRange, "a second hello"))
        case (.established(let peer), .message(let message)):
            guard message.from == peer, message.to == localID else {
                sink.count { $0.senderMismatches += 1 }
                sink.logger.warning(
                    "peer message with a forged sender or a wrong receiver dropped",
                    metadata: ["peer": "\(peer)", "from": "\(message.from)", "to": "\(message.to)"]
                )
                return
            }
            sink.emit(.message(message))
        case (.closed, _):
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .established(let peer) = state {
            sink.count { $0.connectionsIn -= 1 }
            sink.logger.info("peer disconnected in", metadata: ["peer": "\(peer)"])
            sink.emit(.peerDisconnected(peer))
        }
        state = .closed
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let wireError = error as? WireError {
            sink.count { $0.droppedFrames += 1 }
            drop(context: context, wireError)
        } else {
            // TLS failures (a refused key is counted by the verification callback), resets.
            sink.logger.debug("inbound peer connection failed", metadata: ["peer": "\(peerName)", "error": "\(error)"])
            context.close(promise: nil)
        }
    }

    private var peerName: String {
        if case .established(let peer) = state { return peer }
        return identity.nodeID ?? "unauthenticated"
    }

    private func drop(context: ChannelHandlerContext, _ error: WireError) {
        sink.logger.warning("closing inbound peer connection", metadata: ["peer": "\(peerName)", "error": "\(error)"])
        context.close(promise: nil)
    }

    private func refuse(context: ChannelHandlerContext, _ reason: String) {
        sink.count { $0.refusedHandshakes += 1 }
        sink.logger.warning("refused inbound peer", metadata: ["peer": "\(peerName)", "reason": "\(reason)"])
        state = .closed
        context.close(promise: nil)
    }
}
