/// Why a Merkle log operation failed: a stable machine-readable code and a message for people.
///
/// - `invalid_proof`: a proof that does not prove what it claims (wrong length, a hash that does not
///   chain to the root, sizes the proof cannot be for). The message names the step that failed.
/// - `out_of_range`: a leaf index or tree size the tree cannot answer for: beyond its size, or a
///   consistency proof asked from the empty tree or from a larger to a smaller size.
/// - `missing_node`: a node the tree's layout says is stored but the reader does not have; a broken
///   store, never bad input.
/// - `invalid_leaf`: leaf bytes that do not decode as a Brake log leaf (`Specs/log.md`).
/// - `invalid_checkpoint`: a checkpoint body that is not exactly origin, size and root lines.
/// - `invalid_note`: text that is not a signed note (c2sp.org/signed-note) within Brake's bounds.
/// - `invalid_cosignature`: a cosignature by a trusted key that does not verify.
///
/// A struct around an internal enum, so codes can be added without breaking exhaustive switches.
public struct LogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable snake_case code; compare with the static members or a literal.
    public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        /// The code as logs and API responses show it.
        public let rawValue: String
        /// Wraps a raw code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Lets callers write `error.code == "invalid_proof"`.
        public init(stringLiteral value: String) { rawValue = value }
        /// The raw code.
        public var description: String { rawValue }

        /// A proof that does not verify.
        public static let invalidProof: Code = "invalid_proof"
        /// An index or size the tree cannot answer for.
        public static let outOfRange: Code = "out_of_range"
        /// A stored node that should exist and does not.
        public static let missingNode: Code = "missing_node"
        /// Leaf bytes that do not decode.
        public static let invalidLeaf: Code = "invalid_leaf"
        /// A checkpoint body that does not parse.
        public static let invalidCheckpoint: Code = "invalid_checkpoint"
        /// Text that is not a signed note.
        public static let invalidNote: Code = "invalid_note"
        /// A trusted key's cosignature that does not verify.
        public static let invalidCosignature: Code = "invalid_cosignature"
    }

    enum Kind: Hashable, Sendable {
        case invalidProof, outOfRange, missingNode, invalidLeaf, invalidCheckpoint, invalidNote, invalidCosignature
    }

    let kind: Kind
    /// What failed, for people; not stable.
    public let message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The stable code.
    public var code: Code {
        switch kind {
        case .invalidProof: .invalidProof
        case .outOfRange: .outOfRange
        case .missingNode: .missingNode
        case .invalidLeaf: .invalidLeaf
        case .invalidCheckpoint: .invalidCheckpoint
        case .invalidNote: .invalidNote
        case .invalidCosignature: .invalidCosignature
        }
    }

    /// `code: message`, for logs and the CLI.
    public var description: String { "\(code): \(message)" }

    /// A node the layout promises is missing from a reader; public so that a store backing
    /// `MerkleNodeReader` can report it in the tree's own terms.
    public static func missingNode(_ node: MerkleNodeID) -> LogError {
        LogError(.missingNode, "node \(node) is not stored")
    }

    static func invalidProof(_ message: String) -> LogError { LogError(.invalidProof, message) }
    static func outOfRange(_ message: String) -> LogError { LogError(.outOfRange, message) }
    static func invalidLeaf(_ message: String) -> LogError { LogError(.invalidLeaf, message) }
}
