import BrakeLog

/// The byte layouts of the permanent history (`Specs/log.md` 5). Integers are big-endian, as everywhere.
///
/// - History key: the entry index (8). History value: `0x01`, the entry's term (8), a kind byte, then
///   - kind `0x00` (no leaf: a no-op or data that is not a declaration): the entry's data as committed;
///   - kind `0x01` (a leaf in the tree): the leaf's position (8), then the leaf bytes;
///   - kind `0x02` (a leaf outside the tree, because history before it is missing): the leaf bytes.
/// - Leaf key: the leaf's position (8). Leaf value: the entry index (8) of the history row holding it.
/// - Merkle node key: the level (1) and the index within the level (8), so nodes sort by level, then
///   position. Value: the 32-byte hash.
/// - Tree size (`meta/tree_size`) and history-from index (`meta/history_from`): 8 bytes each.
extension StoreCodec {
    static func historyKey(_ index: UInt64) -> [UInt8] { encode(index) }

    static func leafKey(_ position: UInt64) -> [UInt8] { encode(position) }

    static func merkleKey(_ node: MerkleNodeID) -> [UInt8] { [UInt8(node.level)] + encode(node.index) }

    static func encode(history record: HistoryRecord) -> [UInt8] {
        var bytes: [UInt8] = [1] + encode(record.term)
        switch record.content {
        case .noLeaf(let data):
            bytes.append(0)
            bytes += data
        case .leaf(let position?, let leaf):
            bytes.append(1)
            bytes += encode(position)
            bytes += leaf
        case .leaf(nil, let leaf):
            bytes.append(2)
            bytes += leaf
        }
        return bytes
    }

    static func decodeHistory(key: [UInt8], value: [UInt8]) throws(StoreError) -> HistoryRecord {
        guard key.count == 8 else { throw .corrupt("a history key has \(key.count) bytes, expected 8") }
        var keyReader = ByteReader(key, what: "history key")
        let index = try keyReader.uint64()
        var reader = ByteReader(value, what: "history row \(index)")
        try reader.version(1)
        let term = try reader.uint64()
        let content: HistoryRecord.Content
        switch try reader.byte() {
        case 0: content = .noLeaf(data: reader.rest())
        case 1: content = .leaf(position: try reader.uint64(), bytes: reader.rest())
        case 2: content = .leaf(position: nil, bytes: reader.rest())
        case let kind: throw .corrupt("history row \(index) has kind \(kind), expected 0, 1 or 2")
        }
        return HistoryRecord(index: index, term: term, content: content)
    }

    static func decodeHash(_ bytes: [UInt8], of node: MerkleNodeID) throws(StoreError) -> MerkleHash {
        guard let hash = MerkleHash(bytes: bytes) else {
            throw .corrupt("Merkle node \(node) holds \(bytes.count) bytes, expected \(MerkleHash.byteCount)")
        }
        return hash
    }
}
