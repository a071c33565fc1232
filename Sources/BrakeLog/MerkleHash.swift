import Crypto

/// A SHA-256 hash in the Merkle tree: a leaf hash, an interior node hash or a tree head (RFC 9162 2.1.1).
///
/// It always holds exactly 32 bytes, so a proof or a root that arrives with a hash of another length is
/// refused where it is decoded (`init?(bytes:)`), before any verification looks at it.
public struct MerkleHash: Sendable, Hashable, CustomStringConvertible {
    /// The size of every hash in the tree: SHA-256's 32 bytes.
    public static let byteCount = 32

    /// The 32 digest bytes.
    public let bytes: [UInt8]

    /// Wraps 32 bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    private init(digest: SHA256.Digest) {
        bytes = Array(digest)
    }

    /// The root of the empty tree: `MTH({}) = SHA-256()`.
    public static let emptyTree = MerkleHash(digest: SHA256.hash(data: [UInt8]()))

    /// The hash of a leaf: `SHA-256(0x00 || leaf)`. The prefix byte keeps a leaf from ever hashing to an
    /// interior node (second-preimage resistance, RFC 9162 2.1.1).
    public static func leaf(_ leafBytes: [UInt8]) -> MerkleHash {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: leafBytes)
        return MerkleHash(digest: hasher.finalize())
    }

    /// The hash of an interior node: `SHA-256(0x01 || left || right)`.
    public static func node(_ left: MerkleHash, _ right: MerkleHash) -> MerkleHash {
        var hasher = SHA256()
        hasher.update(data: [0x01])
        hasher.update(data: left.bytes)
        hasher.update(data: right.bytes)
        return MerkleHash(digest: hasher.finalize())
    }

    /// Lowercase hex, for messages and logs.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(2 * bytes.count)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The hex form.
    public var description: String { hex }
}
