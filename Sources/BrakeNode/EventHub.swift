import Synchronization

/// Wakes the `/v1/events` streams when entries are applied, and bounds how many there are.
///
/// The events themselves are in the store (written with each entry's rows), so a stream reads them
/// from there at its own pace: the hub carries only the latest applied index, never a queue of
/// events, so a slow reader costs no memory and can lose nothing. Each subscription keeps just the
/// newest index it has not yet seen.
public final class EventHub: Sendable {
    /// The live subscribers; nil once the hub is closed.
    private let subscribers = Mutex<[UInt64: AsyncStream<UInt64>.Continuation]?>([:])
    private let nextID = Atomic<UInt64>(0)
    /// The most streams open at once.
    public let limit: Int

    /// Creates a hub for at most `limit` open streams.
    public init(limit: Int = 64) {
        self.limit = limit
    }

    /// A stream of applied indexes (the newest only, when several arrive before it is read); it ends
    /// when the hub closes. Nil when `limit` streams are open already, or the hub is closed.
    public func subscribe() -> AsyncStream<UInt64>? {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<UInt64>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let added = subscribers.withLock { s -> Bool in
            guard s != nil, s!.count < limit else { return false }
            s![id] = continuation
            return true
        }
        guard added else { return nil }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0?.removeValue(forKey: id) }
        }
        return stream
    }

    /// The number of open streams.
    public var count: Int { subscribers.withLock { $0?.count ?? 0 } }

    /// Tells every stream that entries through `index` are applied and their events stored.
    public func applied(through index: UInt64) {
        let current = subscribers.withLock { Array(($0 ?? [:]).values) }
        for continuation in current { continuation.yield(index) }
    }

    /// Ends every stream, at shutdown.
    public func close() {
        let current = subscribers.withLock { s -> [AsyncStream<UInt64>.Continuation] in
            defer { s = nil }
            return Array((s ?? [:]).values)
        }
        current.forEach { $0.finish() }
    }
}
