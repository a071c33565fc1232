import BrakeCore

/// One leaf of Brake's log: a committed declaration with the index of the Raft entry that carried it and
/// the leader's timestamp (`Specs/log.md`, "Leaves").
///
/// Leaf bytes are `0x01 || entryIndex (8 bytes, big-endian) || time (8 bytes, big-endian two's
/// complement, ms) || the envelope's canonical JSON`. The leading format byte names this layout, so a
/// later kind of leaf can never be read as this one; the fixed-width fields before the one
/// variable-length field make the framing unambiguous without lengths or delimiters. Everything the
/// registry needs to replay the entry is in the leaf, so the tree commits to the whole history a
/// verifier replays.
public struct LogLeaf: Sendable, Hashable {
    /// The first byte of every leaf of this layout: a committed declaration, version 1.
    public static let declarationFormat: UInt8 = 0x01

    /// The Raft index of the entry that committed the declaration. Strictly increasing along the
    /// leaves, with gaps where entries carried no declaration; not the leaf's position in the tree.
    public let entryIndex: UInt64
    /// The leader's timestamp of the entry, ms since the epoch, as committed.
    public let time: Millis
    /// The declaration envelope.
    public let envelope: Envelope

    /// A leaf from its parts.
    public init(entryIndex: UInt64, time: Millis, envelope: Envelope) {
        self.entryIndex = entryIndex
        self.time = time
        self.envelope = envelope
    }

    /// The leaf of the committed entry at `entryIndex` whose data is `record`.
    public init(entryIndex: UInt64, record: LogRecord) {
        self.init(entryIndex: entryIndex, time: record.time, envelope: record.envelope)
    }

    /// The leaf of a committed Raft entry, or nil for an entry that has none: a no-op (empty data) or
    /// data that does not decode as a `LogRecord`, which the registry rejects without any change of
    /// state, so leaving it out loses nothing a replay needs.
    public init?(entryIndex: UInt64, entryData: [UInt8]) {
        guard !entryData.isEmpty, let record = try? LogRecord(decoding: entryData) else { return nil }
        self.init(entryIndex: entryIndex, record: record)
    }

    /// Decodes leaf bytes, as a verifier does with an exported log: the format byte, the two fixed
    /// fields, and an envelope in exactly its canonical form, so one leaf has one byte string.
    /// `invalid_leaf` otherwise.
    public init(bytes: [UInt8]) throws(LogError) {
        guard bytes.count > 17, bytes[0] == Self.declarationFormat else {
            throw LogError.invalidLeaf("leaf of \(bytes.count) bytes does not start with format byte 0x01 and two 8-byte fields")
        }
        let index = Self.readUInt64(bytes, at: 1)
        let time = Millis(bitPattern: Self.readUInt64(bytes, at: 9))
        let json = Array(bytes[17...])
        let envelope: Envelope
        do {
            envelope = try Envelope(json: json)
        } catch {
            throw LogError.invalidLeaf("leaf of entry \(index): \(error)")
        }
        guard envelope.jsonBytes() == json else {
            throw LogError.invalidLeaf("leaf of entry \(index): the envelope is not in canonical JSON")
        }
        self.init(entryIndex: index, time: time, envelope: envelope)
    }

    /// The leaf bytes, the input of the leaf hash.
    public var bytes: [UInt8] {
        var out: [UInt8] = [Self.declarationFormat]
        Self.appendUInt64(entryIndex, to: &out)
        Self.appendUInt64(UInt64(bitPattern: time), to: &out)
        out += envelope.jsonBytes()
        return out
    }

    /// The leaf hash, `SHA-256(0x00 || bytes)`.
    public var hash: MerkleHash { MerkleHash.leaf(bytes) }

    private static func appendUInt64(_ value: UInt64, to out: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    private static func readUInt64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        bytes[offset..<offset + 8].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
