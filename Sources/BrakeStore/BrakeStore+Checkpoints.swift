import BrakeLog

/// Checkpoints and fork evidence (`Specs/log.md` 7.5): the table `checkpoints` holds the checkpoint
/// this node cosigned last (`cosigned`) and the latest final one with its cosignatures (`final`), each
/// as its signed note's text; the table `evidence` holds each `ForkEvidence` under its id, written once
/// and never overwritten (a second write of an id keeps the first).
///
/// The value of an evidence row: the kind (1 byte: 1 split view, 2 inconsistent), the size (u64), the
/// detection time in ms (i64), then the notes and the node ids, each list a u32 count of u32-length
/// UTF-8 strings, all big-endian.
extension BrakeStore {
    /// The stored checkpoint notes and evidence ids.
    public struct CheckpointRows: Sendable {
        /// The checkpoint this node cosigned last.
        public var cosigned: SignedCheckpoint?
        /// The latest final checkpoint.
        public var final: SignedCheckpoint?
        /// The ids of the evidence kept.
        public var evidenceIDs: Set<String>
    }

    enum CheckpointKey {
        static let cosigned = Array("cosigned".utf8)
        static let final = Array("final".utf8)
    }

    /// Makes checkpoint decisions durable in one fsynced transaction: the notes given replace the stored
    /// ones, evidence is appended (an id already stored keeps its first record).
    public func putCheckpoints(cosigned: SignedCheckpoint?, final: SignedCheckpoint?, evidence: [ForkEvidence]) throws(StoreError) {
        let tables = self.tables
        try environment.write { (txn: inout WriteTransaction) throws(StoreError) in
            if let cosigned { try txn.put(tables.checkpoints, CheckpointKey.cosigned, Array(cosigned.text.utf8)) }
            if let final { try txn.put(tables.checkpoints, CheckpointKey.final, Array(final.text.utf8)) }
            for item in evidence {
                let key = Array(item.id.utf8)
                guard try txn.get(tables.evidence, key) == nil else { continue }  // kept once, never overwritten
                try txn.put(tables.evidence, key, Self.encode(evidence: item))
            }
        }
    }

    /// The stored checkpoint notes and evidence ids, for the core at start.
    public func checkpointRows() throws(StoreError) -> CheckpointRows {
        let tables = self.tables
        return try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            var ids = Set<String>()
            try txn.scan(tables.evidence, from: []) { (key, _) throws(StoreError) in
                ids.insert(String(decoding: key, as: UTF8.self))
                return true
            }
            return CheckpointRows(
                cosigned: try Self.note(txn.get(tables.checkpoints, CheckpointKey.cosigned), "cosigned"),
                final: try Self.note(txn.get(tables.checkpoints, CheckpointKey.final), "final"),
                evidenceIDs: ids)
        }
    }

    /// Every evidence record, in the order found (then by id).
    public func evidence() throws(StoreError) -> [ForkEvidence] {
        let tables = self.tables
        let rows = try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in
            var rows: [ForkEvidence] = []
            try txn.scan(tables.evidence, from: []) { (key, value) throws(StoreError) in
                rows.append(try Self.decodeEvidence(id: String(decoding: key, as: UTF8.self), value))
                return true
            }
            return rows
        }
        return rows.sorted { ($0.detectedAtMillis, $0.id) < ($1.detectedAtMillis, $1.id) }
    }

    static func note(_ bytes: [UInt8]?, _ what: String) throws(StoreError) -> SignedCheckpoint? {
        guard let bytes else { return nil }
        do {
            return try SignedCheckpoint(text: String(decoding: bytes, as: UTF8.self))
        } catch {
            throw .corrupt("the stored \(what) checkpoint does not parse: \(error)")
        }
    }

    static func encode(evidence: ForkEvidence) -> [UInt8] {
        var out: [UInt8] = [evidence.kind == .splitView ? 1 : 2]
        append(evidence.size, to: &out)
        append(UInt64(bitPattern: evidence.detectedAtMillis), to: &out)
        for list in [evidence.notes.map(\.text), evidence.nodes] {
            append(UInt32(list.count), to: &out)
            for item in list {
                append(UInt32(item.utf8.count), to: &out)
                out += Array(item.utf8)
            }
        }
        return out
    }

    static func decodeEvidence(id: String, _ bytes: [UInt8]) throws(StoreError) -> ForkEvidence {
        var reader = ByteReader(bytes, what: "evidence \(id)")
        let kindByte = try reader.byte()
        let size = try reader.uint64()
        let at = Int64(bitPattern: try reader.uint64())
        var lists: [[String]] = []
        for _ in 0..<2 {
            let count = try reader.uint32()
            guard count <= 1 << 16 else { throw .corrupt("evidence \(id) claims \(count) items") }
            var list: [String] = []
            for _ in 0..<count { list.append(try reader.string()) }
            lists.append(list)
        }
        let kind: ForkEvidence.Kind? = kindByte == 1 ? .splitView : kindByte == 2 ? .inconsistent : nil
        guard let kind, reader.rest().isEmpty,
              let evidence = ForkEvidence(id: id, kind: kind, size: size, notes: lists[0], nodes: lists[1], detectedAtMillis: at)
        else {
            throw .corrupt("evidence \(id) does not decode")
        }
        return evidence
    }

    static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { out += $0 }
    }
}

extension BrakeStore {
    /// How many evidence records are kept (O(1): the table's entry count).
    public func evidenceCount() throws(StoreError) -> Int {
        let tables = self.tables
        return try environment.read { (txn: borrowing ReadTransaction) throws(StoreError) in try txn.count(tables.evidence) }
    }
}
