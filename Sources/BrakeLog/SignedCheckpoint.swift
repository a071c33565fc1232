import BrakeCore

/// A checkpoint with its cosignatures, as one C2SP signed note (c2sp.org/signed-note): the body, a
/// blank line, then one signature line per cosigner, sorted by key name.
///
/// This is what nodes exchange, what `GET /v1/checkpoint` serves as `note`, what the export bundle
/// carries and what the public page verifies. A note holds at most one cosignature per key name
/// (`adding(_:)` keeps the first), so a node that signs twice cannot be counted twice.
public struct SignedCheckpoint: Sendable, Hashable {
    /// The most signature lines a note may carry; the signed-note spec asks verifiers to accept at
    /// least 16, and a charter has far fewer nodes than this.
    public static let maxSignatures = 256
    /// The largest note accepted, in bytes.
    public static let maxBytes = 64 * 1024

    /// The statement signed.
    public let checkpoint: Checkpoint
    /// The cosignatures, sorted by key name, at most one per key name.
    public let cosignatures: [Cosignature]

    /// A checkpoint with these cosignatures (sorted, the first per key name kept).
    public init(checkpoint: Checkpoint, cosignatures: [Cosignature] = []) {
        var seen = Set<String>()
        self.checkpoint = checkpoint
        self.cosignatures = cosignatures.filter { seen.insert($0.keyName).inserted }.sorted { $0.keyName < $1.keyName }
    }

    /// The same checkpoint with one more cosignature; unchanged if that key name already signed.
    public func adding(_ cosignature: Cosignature) -> SignedCheckpoint {
        SignedCheckpoint(checkpoint: checkpoint, cosignatures: cosignatures + [cosignature])
    }

    /// The cosignature under `keyName`, if any.
    public func cosignature(keyName: String) -> Cosignature? { cosignatures.first { $0.keyName == keyName } }

    /// The signed note's text.
    public var text: String {
        String(decoding: checkpoint.body, as: UTF8.self) + "\n" + cosignatures.map { $0.line + "\n" }.joined()
    }

    /// Parses a signed note whose text is a Brake checkpoint. Signature lines that are not
    /// cosignatures are dropped (a verifier ignores keys it does not know); a note without any
    /// signature line, with control characters, or over the bounds is refused (`invalid_note`), and
    /// a body that is not a checkpoint is `invalid_checkpoint`.
    public init(text: String) throws(LogError) {
        let bytes = Array(text.utf8)
        guard bytes.count <= Self.maxBytes else { throw LogError(.invalidNote, "a note may hold at most \(Self.maxBytes) bytes") }
        guard bytes.allSatisfy({ $0 >= 0x20 || $0 == 0x0A }), bytes.last == 0x0A else {
            throw LogError(.invalidNote, "a note has no control characters but newlines, and ends in a newline")
        }
        // The text ends at the last blank line: every line after it is a signature.
        guard let separator = Self.lastBlankLine(in: bytes) else {
            throw LogError(.invalidNote, "a note needs a blank line between its text and its signatures")
        }
        let body = Array(bytes[...separator])
        let lines = String(decoding: bytes[(separator + 2)...].dropLast(), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false)
        guard !lines.isEmpty, lines.count <= Self.maxSignatures else {
            throw LogError(.invalidNote, "a note carries 1 to \(Self.maxSignatures) signature lines")
        }
        var cosignatures: [Cosignature] = []
        for line in lines {
            if let cosignature = try Cosignature.parse(line: line) { cosignatures.append(cosignature) }
        }
        self.init(checkpoint: try Checkpoint(body: body), cosignatures: cosignatures)
    }

    /// The position of the first newline of the last `\n\n` in `bytes`.
    static func lastBlankLine(in bytes: [UInt8]) -> Int? {
        var i = bytes.count - 2
        while i >= 0 {
            if bytes[i] == 0x0A && bytes[i + 1] == 0x0A { return i }
            i -= 1
        }
        return nil
    }

    /// The key names whose cosignatures verify, given the cosigners a verifier trusts (key name to
    /// key). Lines from keys it does not know are ignored, as the signed-note spec says; a line that
    /// names a known key but does not verify refuses the whole note (`invalid_cosignature`), because
    /// a trusted cosigner never signs a note it did not check.
    public func verifiedCosigners(_ trusted: [String: PublicKey]) throws(LogError) -> Set<String> {
        var verified = Set<String>()
        for cosignature in cosignatures {
            guard let key = trusted[cosignature.keyName], cosignature.names(keyName: cosignature.keyName, key: key) else { continue }
            guard cosignature.isValid(for: checkpoint, key: key) else {
                throw LogError(.invalidCosignature, "the cosignature of \(cosignature.keyName) on \(checkpoint) does not verify")
            }
            verified.insert(cosignature.keyName)
        }
        return verified
    }

    /// The cosigners a charter trusts: every node's key name and checkpoint key.
    public static func cosigners(of charter: Charter) -> [String: PublicKey] {
        Dictionary(uniqueKeysWithValues: charter.nodes.map { (Cosignature.keyName(origin: charter.federation, node: $0.id), $0.checkpointKey) })
    }

    /// How many cosigners make a checkpoint final: a majority of the charter's nodes.
    public static func quorum(of charter: Charter) -> Int { charter.nodes.count / 2 + 1 }
}
