import BrakeCore

/// One entry line of a log bundle (`Specs/bundle.md` 3): a leaf of the log, with its position in the
/// tree and the leaf hash the exporter computed.
///
/// The stated leaf hash proves nothing by itself (whoever changes an entry can change it too); it
/// lets a verifier name the entry that was changed after export, where otherwise it could only say
/// that the root differs. The root, checked against the cosigned checkpoint, is the proof.
public struct BundleEntry: Sendable, Hashable {
    /// The leaf: entry index, the leader's time, the envelope.
    public var leaf: LogLeaf
    /// The leaf's position in the tree (0, 1, 2, ...).
    public var position: UInt64
    /// The leaf hash the exporter wrote.
    public var statedLeafHash: MerkleHash

    /// An entry from its parts.
    public init(leaf: LogLeaf, position: UInt64, statedLeafHash: MerkleHash) {
        self.leaf = leaf
        self.position = position
        self.statedLeafHash = statedLeafHash
    }

    /// The entry an exporter writes for `leaf` at `position`, with the leaf's own hash.
    public init(leaf: LogLeaf, position: UInt64) {
        self.init(leaf: leaf, position: position, statedLeafHash: leaf.hash)
    }

    /// The entry line, with its newline: `{"envelope":…,"index":…,"leaf":…,"leafHash":"…","time":…}`,
    /// the envelope in its canonical JSON.
    public var line: [UInt8] {
        var out = Array(#"{"envelope":"#.utf8) + leaf.envelope.jsonBytes()
        out += Array(#","index":\#(leaf.entryIndex),"leaf":\#(position),"leafHash":"#.utf8)
        BundleJSON.appendString(Base64.encode(statedLeafHash.bytes), to: &out)
        out += Array(#","time":\#(leaf.time)}"#.utf8) + [0x0A]
        return out
    }
}
