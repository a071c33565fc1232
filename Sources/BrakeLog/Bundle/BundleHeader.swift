import BrakeCore

/// The first line of a log bundle (`Specs/bundle.md` 2): what the bundle is, the charter that
/// governs it, and the checkpoint it was exported at. The entries follow, one a line
/// (`BundleEntry`).
public struct BundleHeader: Sendable, Hashable {
    /// The value of the header's `bundle` field: what kind of file this is.
    public static let kind = "brake-log"
    /// The format version this code writes and reads.
    public static let version: Int64 = 1

    /// The federation id: the charter's, and the checkpoint's origin.
    public var federation: String
    /// The charter, a DSSE envelope signed by every founding party.
    public var charter: Envelope
    /// The checkpoint the entries are exported at.
    public var checkpoint: BundleCheckpoint
    /// When the bundle was written (RFC 3339), for people.
    public var exportedAt: String
    /// The node it was exported from, for people: nothing in it is trusted for being from that node.
    public var exportedFrom: String
    /// The first entry index of the history the bundle holds; a verifier accepts only 1 (a complete
    /// history). A node that installed a snapshot has a later one and cannot export (`Specs/log.md` 5.3).
    public var historyFrom: UInt64

    /// A header from its parts.
    public init(
        federation: String, charter: Envelope, checkpoint: BundleCheckpoint, exportedAt: String, exportedFrom: String,
        historyFrom: UInt64 = 1
    ) {
        self.federation = federation
        self.charter = charter
        self.checkpoint = checkpoint
        self.exportedAt = exportedAt
        self.exportedFrom = exportedFrom
        self.historyFrom = historyFrom
    }

    /// The header line, with its newline: one JSON object, keys in sorted order.
    public var line: [UInt8] {
        var out = Array(#"{"bundle":"#.utf8)
        BundleJSON.appendString(Self.kind, to: &out)
        out += Array(#","charter":"#.utf8) + charter.jsonBytes()
        out += Array(#","checkpoint":{"appliedIndex":\#(checkpoint.appliedIndex),"note":"#.utf8)
        if let note = checkpoint.note { BundleJSON.appendString(note, to: &out) } else { out += Array("null".utf8) }
        out += Array(#","root":"#.utf8)
        BundleJSON.appendString(Base64.encode(checkpoint.root.bytes), to: &out)
        out += Array(#","size":\#(checkpoint.size)},"exportedAt":"#.utf8)
        BundleJSON.appendString(exportedAt, to: &out)
        out += Array(#","exportedFrom":"#.utf8)
        BundleJSON.appendString(exportedFrom, to: &out)
        out += Array(#","federation":"#.utf8)
        BundleJSON.appendString(federation, to: &out)
        out += Array(#","historyFrom":\#(historyFrom),"version":\#(Self.version)}"#.utf8) + [0x0A]
        return out
    }
}

/// The little JSON writing the bundle lines need, with no Foundation: strings escaped as RFC 8785 does.
enum BundleJSON {
    /// Appends `text` as a JSON string: `"` and `\` escaped, control characters as `\n`, `\t`... or
    /// `\u00XX`, everything else as its UTF-8 bytes.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x08: out += [0x5C, UInt8(ascii: "b")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0C: out += [0x5C, UInt8(ascii: "f")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case ..<0x20: out += Array(#"\u00"#.utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }
}
