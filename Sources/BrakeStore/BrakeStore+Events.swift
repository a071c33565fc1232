/// The event table: every registry event this node applied, by entry index and position within the
/// entry, written in the same transaction as the entry's registry rows.
///
/// Clients of the event stream resume from it, so a replay reads stored bytes instead of re-applying
/// the log (no signature is verified again, and nothing runs on the node's driver), and it survives
/// log compaction. A node that installed a snapshot has no events for the entries the snapshot
/// covers: `eventsFrom` is the first index whose events are all stored.
extension BrakeStore {
    /// One stored event.
    public struct StoredEvent: Sendable, Hashable {
        /// The index of the entry whose apply produced it.
        public var index: UInt64
        /// Its position among that entry's events, from 0.
        public var position: UInt32
        /// The event's type (`pause_in_force`, ...), the name a stream gives it.
        public var type: String
        /// The event as its JSON bytes.
        public var json: [UInt8]

        /// Creates a stored event.
        public init(index: UInt64, position: UInt32, type: String, json: [UInt8]) {
            self.index = index
            self.position = position
            self.type = type
            self.json = json
        }
    }

    /// One event of an entry being applied: its type and its JSON bytes.
    public typealias EventRecord = (type: String, json: [UInt8])

    /// A page of stored events.
    public struct EventPage: Sendable {
        /// Events after the requested position, in order, at most the requested number.
        public var events: [StoredEvent]
        /// The first entry index whose events are stored (1 unless a snapshot was installed).
        public var eventsFrom: UInt64
        /// The applied index at the moment of the read: every event through it is stored.
        public var appliedIndex: UInt64
    }

    /// The stored events after position `position` of entry `index` (`position` nil: after every
    /// event of entry `index`), at most `limit`, from one consistent read.
    public func events(afterIndex index: UInt64, position: UInt32?, limit: Int) throws(StoreError) -> EventPage {
        let tables = self.tables
        return try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            let applied = try Self.appliedIndex(txn.handle, tables)
            let from = try Self.eventsFrom(txn.handle, tables)
            var page = EventPage(events: [], eventsFrom: from, appliedIndex: applied)
            guard limit > 0 else { return page }
            let start: [UInt8]
            if let position {
                guard position < .max else { return page }
                start = StoreCodec.eventKey(index, position + 1)
            } else {
                guard index < .max else { return page }
                start = StoreCodec.eventKey(index + 1, 0)
            }
            try txn.scan(tables.events, from: start) { (key, value) throws(StoreError) in
                let (index, position) = try StoreCodec.decodeEventKey(key)
                let (type, json) = try StoreCodec.decodeEvent(value)
                page.events.append(StoredEvent(index: index, position: position, type: type, json: json))
                return page.events.count < limit
            }
            return page
        }
    }

    /// The first entry index whose events are stored: 1 for a store that applied every entry itself,
    /// the entry after the latest installed snapshot otherwise.
    public func eventsFrom() throws(StoreError) -> UInt64 {
        let tables = self.tables
        return try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            try Self.eventsFrom(txn.handle, tables)
        }
    }

    static func eventsFrom(_ txn: TransactionHandle, _ tables: Tables) throws(StoreError) -> UInt64 {
        // Not recorded yet: a new store (applied 0) or one written before the table existed, whose
        // events begin with its next apply.
        guard let bytes = try txn.get(tables.meta, MetaKey.eventsFrom) else { return try appliedIndex(txn, tables) + 1 }
        return try StoreCodec.decodeIndex(bytes, what: "events-from index")
    }

    /// Writes the events of entry `index`, in the apply transaction. The first apply of a store that
    /// has none records where its events begin (a store from before the table existed begins there).
    static func putEvents(_ events: [EventRecord], of index: UInt64, in txn: inout WriteTransaction, _ tables: Tables) throws(StoreError) {
        if try txn.get(tables.meta, MetaKey.eventsFrom) == nil {
            try txn.put(tables.meta, MetaKey.eventsFrom, StoreCodec.encode(index))
        }
        for (position, event) in events.enumerated() {
            try txn.put(tables.events, StoreCodec.eventKey(index, UInt32(position)), StoreCodec.encode(event: event))
        }
    }

    /// After a snapshot install through `appliedIndex`: the events it covers are not on this node.
    static func resetEvents(through appliedIndex: UInt64, in txn: inout WriteTransaction, _ tables: Tables) throws(StoreError) {
        try txn.clear(tables.events)
        try txn.put(tables.meta, MetaKey.eventsFrom, StoreCodec.encode(appliedIndex + 1))
    }
}
