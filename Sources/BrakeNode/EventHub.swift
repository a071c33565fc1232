import BrakeCore
import BrakeReplica
import Synchronization

/// A registry event together with the log index of the entry that caused it; the index is the
/// Server-Sent Events id that a client resumes from.
public struct IndexedEvent: Sendable, Hashable {
    /// The index of the entry whose apply produced the event.
    public var index: UInt64
    /// The event.
    public var event: RegistryEvent
}

/// Fans registry events out to live subscribers (the `/v1/events` streams).
///
/// Each subscriber gets its own buffered stream, so a slow client never holds back the driver;
/// a client that falls more than `bufferLimit` events behind is dropped and can resume by index.
public final class EventHub: Sendable {
    /// The live subscribers; nil once the hub is closed.
    private let subscribers = Mutex<[UInt64: AsyncStream<IndexedEvent>.Continuation]?>([:])
    private let nextID = Atomic<UInt64>(0)
    private let bufferLimit: Int

    /// Creates a hub whose subscribers may lag by at most `bufferLimit` events.
    public init(bufferLimit: Int = 10_000) {
        self.bufferLimit = bufferLimit
    }

    /// A new live stream of events; it ends when the subscriber falls too far behind or the hub closes.
    public func subscribe() -> AsyncStream<IndexedEvent> {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<IndexedEvent>.makeStream(bufferingPolicy: .bufferingNewest(bufferLimit))
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0?.removeValue(forKey: id) }
        }
        let open = subscribers.withLock { s -> Bool in
            guard s != nil else { return false }
            s![id] = continuation
            return true
        }
        if !open { continuation.finish() }
        return stream
    }

    /// Delivers events to every subscriber.
    public func publish(_ events: [IndexedEvent]) {
        guard !events.isEmpty else { return }
        let current = subscribers.withLock { Array(($0 ?? [:]).values) }
        for continuation in current {
            for event in events {
                if case .dropped = continuation.yield(event) {
                    continuation.finish()
                    break
                }
            }
        }
    }

    /// Ends every stream, at shutdown.
    public func close() {
        let current = subscribers.withLock { s -> [AsyncStream<IndexedEvent>.Continuation] in
            defer { s = nil }
            return Array((s ?? [:]).values)
        }
        current.forEach { $0.finish() }
    }
}
