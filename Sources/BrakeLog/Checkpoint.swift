import BrakeCore

/// A tree head as a C2SP tlog-checkpoint note body (c2sp.org/tlog-checkpoint): the statement "the log
/// named `origin` has `size` leaves and this root", which nodes cosign and outsiders verify.
///
/// The body is exactly three lines, each ending in a newline, and Brake writes no extension lines:
/// ```
/// <origin>
/// <size in decimal, no leading zeros>
/// <root, standard padded base64 of 32 bytes>
/// ```
/// The origin is the federation id (`Specs/log.md` 5). One checkpoint has exactly one body, and
/// `init(body:)` refuses anything else, so two nodes that agree on the tree agree byte for byte.
public struct Checkpoint: Sendable, Hashable, CustomStringConvertible {
    /// The log's name: the federation id.
    public let origin: String
    /// The number of leaves.
    public let size: UInt64
    /// The tree head of the first `size` leaves.
    public let root: MerkleHash

    /// Makes a checkpoint; the origin must be one line of printable text with no spaces or `+`, which
    /// lets it also begin a signature key name (`Cosignature.keyName`).
    public init(origin: String, size: UInt64, root: MerkleHash) throws(LogError) {
        guard Self.isValidOrigin(origin) else {
            throw LogError(.invalidCheckpoint, "the origin must be 1 to 255 printable ASCII characters without spaces or '+'")
        }
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// Parses a body, refusing every byte string but the one `body` would write.
    public init(body: [UInt8]) throws(LogError) {
        guard body.last == 0x0A else { throw LogError(.invalidCheckpoint, "the body must end in a newline") }
        let lines = body.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false)
        guard lines.count == 3 else {
            throw LogError(.invalidCheckpoint, "the body must be exactly three lines (origin, size, root), not \(lines.count)")
        }
        let origin = String(decoding: lines[0], as: UTF8.self)
        let sizeText = String(decoding: lines[1], as: UTF8.self)
        guard let size = UInt64(sizeText), String(size) == sizeText else {
            throw LogError(.invalidCheckpoint, "the size line must be a decimal number without leading zeros")
        }
        let rootText = String(decoding: lines[2], as: UTF8.self)
        guard let rootBytes = Base64.decodeStandard(rootText), let root = MerkleHash(bytes: rootBytes)
        else {
            throw LogError(.invalidCheckpoint, "the root line must be the standard padded base64 of 32 bytes")
        }
        try self.init(origin: origin, size: size, root: root)
    }

    /// The note body: origin, size and root, each on its own line.
    public var body: [UInt8] {
        Array("\(origin)\n\(size)\n\(Base64.encode(root.bytes))\n".utf8)
    }

    /// `origin@size`.
    public var description: String { "\(origin)@\(size)" }

    static func isValidOrigin(_ origin: String) -> Bool {
        (1...255).contains(origin.utf8.count) && origin.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "+") }
    }
}
