import Logging
import Synchronization

/// Where every connection reports: the event stream, the counters and the log.
///
/// One per `PeerNetwork`, shared by the listener's connections and the dialers on every event
/// loop, hence its locks. Handlers never touch the node core directly: they yield events.
final class PeerSink: Sendable {
    let logger: Logger
    private let continuation: AsyncStream<PeerEvent>.Continuation
    private let counters = Mutex(PeerNetworkStats())

    init(continuation: AsyncStream<PeerEvent>.Continuation, logger: Logger) {
        self.continuation = continuation
        self.logger = logger
    }

    /// Hands an event to the consumer; counts it when the bounded buffer is full.
    func emit(_ event: PeerEvent) {
        switch continuation.yield(event) {
        case .dropped:
            count { $0.eventDrops += 1 }
        case .enqueued, .terminated:
            break
        @unknown default:
            break
        }
    }

    /// Updates the counters.
    func count(_ update: (inout PeerNetworkStats) -> Void) {
        counters.withLock { update(&$0) }
    }

    /// The counters now.
    var stats: PeerNetworkStats { counters.withLock { $0 } }

    /// Ends the event stream; later events are discarded.
    func finish() {
        continuation.finish()
    }
}
