import BrakeRaft
import NIOCore
import NIOPosix
import NIOSSL

/// The send side of this node towards one peer: its bounded outbox, its one outbound
/// connection, and the dialing with jittered exponential backoff.
///
/// All mutable state lives on `loop`; every method runs there (`PeerNetwork` hops onto it), which
/// is what makes the `@unchecked Sendable` sound.
final class PeerLink: @unchecked Sendable {
    struct Settings: Sendable {
        var peer: NodeID
        var address: PeerAddress
        var pin: String
        var hello: [UInt8]
        var frameCap: Int
        var outboxMessages: Int
        var outboxBytes: Int
        var minBackoff: TimeAmount
        var maxBackoff: TimeAmount
        var connectTimeout: TimeAmount
    }

    private enum State {
        case idle
        case connecting
        case connected(since: NIODeadline)
        case waiting(Scheduled<Void>)
        case stopped
    }

    let settings: Settings
    let loop: any EventLoop
    private let tls: NIOSSLContext
    private let sink: PeerSink
    private var state = State.idle
    private var channel: (any Channel)?
    private var outbox = CircularBuffer<[UInt8]>()
    private var queuedBytes = 0
    private var failures = 0

    init(settings: Settings, loop: any EventLoop, tls: NIOSSLContext, sink: PeerSink) {
        self.settings = settings
        self.loop = loop
        self.tls = tls
        self.sink = sink
    }

    var peer: NodeID { settings.peer }

    // MARK: - Sending

    /// Queues frame bodies; drops what does not fit and reports the peer unreachable.
    func enqueue(_ frames: [[UInt8]]) {
        loop.preconditionInEventLoop()
        if case .stopped = state { return }
        var dropped = 0
        for frame in frames {
            guard outbox.count < settings.outboxMessages, queuedBytes + frame.count <= settings.outboxBytes else {
                dropped += 1
                continue
            }
            outbox.append(frame)
            queuedBytes += frame.count
        }
        if dropped > 0 {
            sink.count { $0.outboxDrops += UInt64(dropped) }
            sink.emit(.unreachable(peer))
        }
        flush()
    }

    /// Moves frames from the outbox to the connection while it accepts more.
    private func flush() {
        guard case .connected = state, let channel else { return }
        var unflushed = 0
        var frames: UInt64 = 0
        var bytes: UInt64 = 0
        while channel.isWritable, let frame = outbox.popFirst() {
            queuedBytes -= frame.count
            channel.write(frame, promise: nil)
            frames += 1
            bytes += UInt64(4 + frame.count)
            unflushed += frame.count
            if unflushed >= 64 << 10 {
                // Flush so TLS encrypts and the socket's writability reflects what is pending.
                channel.flush()
                unflushed = 0
            }
        }
        if frames > 0 {
            channel.flush()
            sink.count {
                $0.framesOut += frames
                $0.bytesOut += bytes
            }
        }
    }

    // MARK: - Connection lifecycle

    /// Dials the peer now (at start, and when a backoff delay ends).
    func dial() {
        loop.preconditionInEventLoop()
        switch state {
        case .idle, .waiting: break
        case .connecting, .connected, .stopped: return
        }
        state = .connecting
        channel = nil
        let address = settings.address
        ClientBootstrap(group: loop)
            .connectTimeout(settings.connectTimeout)
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    self.channel = channel
                    let expected = self.settings.pin
                    let peer = self.settings.peer
                    let sink = self.sink
                    let ssl = try NIOSSLClientHandler(context: self.tls, serverHostname: nil) { chain, promise in
                        guard let leaf = chain.first, PeerPin.of(leaf) == expected else {
                            sink.count { $0.refusedHandshakes += 1 }
                            sink.logger.warning("refused peer: its TLS key is not the charter's pin", metadata: ["peer": "\(peer)"])
                            promise.succeed(.failed)
                            return
                        }
                        promise.succeed(.certificateVerified)
                    }
                    try channel.pipeline.syncOperations.addHandlers(
                        ssl,
                        MessageToByteHandler(FrameEncoder(cap: self.settings.frameCap)),
                        OutboundPeerHandler(link: self)
                    )
                }
            }
            .connect(host: address.host, port: address.port)
            .assumeIsolated()
            .whenComplete { [self] result in
                switch result {
                case .success(let connected):
                    if case .stopped = state { connected.close(promise: nil) }
                case .failure(let error):
                    guard case .connecting = state else { return }
                    connectionFailed("dial failed: \(error)")
                }
            }
    }

    func handshakeCompleted(_ channel: any Channel) {
        guard channel === self.channel, case .connecting = state else { return }
        state = .connected(since: .now())
        channel.write(settings.hello, promise: nil)
        sink.count {
            $0.connectionsOut += 1
            $0.framesOut += 1
            $0.bytesOut += UInt64(4 + settings.hello.count)
        }
        sink.logger.info("peer connected out", metadata: ["peer": "\(peer)"])
        flush()
        channel.flush()
    }

    func writabilityChanged(_ channel: any Channel) {
        guard channel === self.channel else { return }
        flush()
    }

    func failed(_ channel: any Channel, _ error: any Error) {
        guard channel === self.channel else { return }
        sink.logger.debug("outbound peer connection error", metadata: ["peer": "\(peer)", "error": "\(error)"])
    }

    func closed(_ channel: any Channel) {
        guard channel === self.channel else { return }
        self.channel = nil
        switch state {
        case .connecting:
            connectionFailed("connection closed during the TLS handshake")
        case .connected(let since):
            sink.count { $0.connectionsOut -= 1 }
            sink.logger.info("peer disconnected out", metadata: ["peer": "\(peer)"])
            sink.emit(.peerDisconnected(peer))
            // A connection that lived longer than the longest backoff was healthy: start over
            // from the shortest delay. One that died at once (a peer that refuses this node's
            // key after TLS 1.3 completed on this side) keeps backing off.
            if NIODeadline.now() - since > settings.maxBackoff { failures = 0 }
            scheduleDial()
        case .idle, .waiting, .stopped:
            break
        }
    }

    private func connectionFailed(_ reason: String) {
        sink.logger.debug("peer unreachable", metadata: ["peer": "\(peer)", "reason": "\(reason)"])
        sink.emit(.unreachable(peer))
        scheduleDial()
    }

    private func scheduleDial() {
        if case .stopped = state { return }
        let ceiling = min(
            settings.maxBackoff.nanoseconds,
            settings.minBackoff.nanoseconds << Int64(min(failures, 30))
        )
        let delay = TimeAmount.nanoseconds(Int64.random(in: (ceiling / 2)...max(ceiling, 1)))
        failures += 1
        state = .waiting(loop.assumeIsolated().scheduleTask(in: delay) { [self] in dial() })
    }

    /// Stops dialing, closes the connection and discards the outbox.
    func stop() -> EventLoopFuture<Void> {
        loop.preconditionInEventLoop()
        switch state {
        case .waiting(let scheduled): scheduled.cancel()
        case .connected: sink.count { $0.connectionsOut -= 1 }
        case .idle, .connecting, .stopped: break
        }
        state = .stopped
        outbox.removeAll()
        queuedBytes = 0
        guard let channel else { return loop.makeSucceededVoidFuture() }
        return channel.close().recover { _ in }
    }
}
