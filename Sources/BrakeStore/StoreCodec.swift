import BrakeRaft

/// The byte layouts of everything BrakeStore writes. All integers are big-endian, so that integer keys sort
/// in numeric order under LMDB's bytewise comparison. Every layout is versioned by its first byte where it
/// may evolve; a value that does not decode is reported as `store_corrupt`, never trapped on.
///
/// - Log key: the entry index as 8 bytes. Log value: the term as 8 bytes, then the entry's data.
/// - Hard state (`meta/hard_state`): `0x01`, term (8), commit (8), then the vote: `0x00` for none, or `0x01`,
///   its UTF-8 length (4) and its bytes.
/// - Snapshot metadata (`meta/snapshot`): `0x01`, index (8), term (8), voter count (4), then each voter as
///   UTF-8 length (4) and bytes. The snapshot's data lives in the `snapshot` table under key `data`.
/// - Applied index (`meta/applied_index`): 8 bytes.
/// - Compaction point (`meta/compacted`): index (8), term (8) of the last entry dropped by `compact`.
/// - Event key: the entry index (8) and the event's position within the entry (4). Event value: `0x01`,
///   the type as UTF-8 length (4) and bytes, then the event's JSON bytes. Events-from index
///   (`meta/events_from`): 8 bytes.
enum StoreCodec {
    static func eventKey(_ index: UInt64, _ position: UInt32) -> [UInt8] { encode(index) + encode32(position) }

    static func encode(event: (type: String, json: [UInt8])) -> [UInt8] {
        var bytes: [UInt8] = [1]
        appendString(event.type, to: &bytes)
        return bytes + event.json
    }

    static func decodeEvent(_ value: [UInt8]) throws(StoreError) -> (type: String, json: [UInt8]) {
        var reader = ByteReader(value, what: "event")
        try reader.version(1)
        let type = try reader.string()
        return (type, reader.rest())
    }

    static func decodeEventKey(_ key: [UInt8]) throws(StoreError) -> (index: UInt64, position: UInt32) {
        guard key.count == 12 else { throw .corrupt("an event key has \(key.count) bytes, expected 12") }
        var reader = ByteReader(key, what: "event key")
        return (try reader.uint64(), try reader.uint32())
    }

    static func logKey(_ index: UInt64) -> [UInt8] { encode(index) }

    static func index(fromLogKey key: [UInt8]) throws(StoreError) -> UInt64 {
        guard key.count == 8 else { throw .corrupt("a log key has \(key.count) bytes, expected 8") }
        var reader = ByteReader(key, what: "log key")
        return try reader.uint64()
    }

    static func encode(entry: Entry) -> [UInt8] {
        var bytes = encode(entry.term)
        bytes.append(contentsOf: entry.data)
        return bytes
    }

    static func decodeEntry(key: [UInt8], value: [UInt8]) throws(StoreError) -> Entry {
        let index = try index(fromLogKey: key)
        var reader = ByteReader(value, what: "log entry \(index)")
        let term = try reader.uint64()
        return Entry(term: term, index: index, data: reader.rest())
    }

    static func encode(hardState: HardState) -> [UInt8] {
        var bytes: [UInt8] = [1]
        bytes += encode(hardState.term)
        bytes += encode(hardState.commit)
        if let vote = hardState.vote {
            bytes.append(1)
            appendString(vote, to: &bytes)
        } else {
            bytes.append(0)
        }
        return bytes
    }

    static func decodeHardState(_ bytes: [UInt8]) throws(StoreError) -> HardState {
        var reader = ByteReader(bytes, what: "hard state")
        try reader.version(1)
        let term = try reader.uint64()
        let commit = try reader.uint64()
        let vote: String? = try reader.byte() == 0 ? nil : reader.string()
        try reader.end()
        return HardState(term: term, vote: vote, commit: commit)
    }

    /// Format 2: version, index, term, voters, learners. Format 1 (written before learners
    /// existed) has no learners and still reads, as a membership without learners.
    static func encode(snapshotMetadata metadata: SnapshotMetadata) -> [UInt8] {
        var bytes: [UInt8] = [2]
        bytes += encode(metadata.index)
        bytes += encode(metadata.term)
        for list in [metadata.voters, metadata.learners] {
            bytes += encode32(UInt32(list.count))
            for node in list { appendString(node, to: &bytes) }
        }
        return bytes
    }

    static func decodeSnapshotMetadata(_ bytes: [UInt8]) throws(StoreError) -> SnapshotMetadata {
        var reader = ByteReader(bytes, what: "snapshot metadata")
        let version = try reader.byte()
        guard version == 1 || version == 2 else {
            throw .corrupt("snapshot metadata has format version \(version), expected 1 or 2")
        }
        let index = try reader.uint64()
        let term = try reader.uint64()
        let voters = try nodeList(&reader)
        let learners = version == 2 ? try nodeList(&reader) : []
        try reader.end()
        return SnapshotMetadata(index: index, term: term, voters: voters, learners: learners)
    }

    private static func nodeList(_ reader: inout ByteReader) throws(StoreError) -> [NodeID] {
        let count = try reader.uint32()
        var nodes: [NodeID] = []
        for _ in 0..<count { nodes.append(try reader.string()) }
        return nodes
    }

    static func encode(point: (index: UInt64, term: UInt64)) -> [UInt8] {
        encode(point.index) + encode(point.term)
    }

    static func decodePoint(_ bytes: [UInt8]) throws(StoreError) -> (index: UInt64, term: UInt64) {
        var reader = ByteReader(bytes, what: "compaction point")
        let point = (index: try reader.uint64(), term: try reader.uint64())
        try reader.end()
        return point
    }

    static func decodeIndex(_ bytes: [UInt8], what: String) throws(StoreError) -> UInt64 {
        var reader = ByteReader(bytes, what: what)
        let value = try reader.uint64()
        try reader.end()
        return value
    }

    static func encode(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }

    private static func encode32(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
    }

    private static func appendString(_ string: String, to bytes: inout [UInt8]) {
        let utf8 = Array(string.utf8)
        bytes += encode32(UInt32(utf8.count))
        bytes += utf8
    }
}

/// Reads the layouts above, failing with `store_corrupt` (naming `what`) on truncated or trailing bytes.
struct ByteReader {
    private let bytes: [UInt8]
    private var offset = 0
    private let what: String

    init(_ bytes: [UInt8], what: String) {
        self.bytes = bytes
        self.what = what
    }

    mutating func byte() throws(StoreError) -> UInt8 {
        let slice = try take(1)
        return slice[slice.startIndex]
    }

    mutating func version(_ expected: UInt8) throws(StoreError) {
        let found = try byte()
        guard found == expected else { throw .corrupt("\(what) has format version \(found), expected \(expected)") }
    }

    mutating func uint64() throws(StoreError) -> UInt64 {
        try take(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func uint32() throws(StoreError) -> UInt32 {
        try take(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func string() throws(StoreError) -> String {
        let count = Int(try uint32())
        let utf8 = try take(count)
        guard let string = String(validating: utf8, as: UTF8.self) else {
            throw .corrupt("\(what) holds a string that is not valid UTF-8")
        }
        return string
    }

    mutating func rest() -> [UInt8] {
        defer { offset = bytes.count }
        return Array(bytes[offset...])
    }

    func end() throws(StoreError) {
        guard offset == bytes.count else { throw .corrupt("\(what) has \(bytes.count - offset) unexpected trailing bytes") }
    }

    private mutating func take(_ count: Int) throws(StoreError) -> ArraySlice<UInt8> {
        guard count >= 0, bytes.count - offset >= count else {
            throw .corrupt("\(what) is truncated: needed \(count) more bytes at offset \(offset) of \(bytes.count)")
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }
}
