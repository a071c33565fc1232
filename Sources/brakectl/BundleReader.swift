import BrakeCore
import BrakeLog
import Foundation

/// Reads a log bundle (`Specs/bundle.md`) line by line with bounded memory: a read buffer and the
/// lines of one batch, whatever the bundle's length.
struct BundleReader {
    /// The longest line accepted: an entry is one envelope, far below this.
    static let maxLineBytes = 16 << 20

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// Lines read so far (the header is line 1).
    private(set) var lineNumber = 0
    /// Bytes read so far, for the progress bar.
    private(set) var bytesRead: UInt64 = 0

    /// Opens the bundle at `path` (`file` error when it cannot be read).
    init(path: String) throws(CLIError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CLIError(.file, "cannot read \(path): \(String(cString: strerror(errno)))", code: "file_unreadable")
        }
        self.handle = handle
    }

    /// The next line without its newline, or nil at the end of the file. A last line without a
    /// newline is refused: the bundle was cut short.
    mutating func nextLine() throws(CLIError) -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                lineNumber += 1
                return line
            }
            if atEnd {
                guard start == buffer.count else {
                    throw CLIError(.unverified, "line \(lineNumber + 1): the bundle ends in the middle of a line (cut short?)", code: "invalid_bundle")
                }
                return nil
            }
            guard buffer.count - start <= Self.maxLineBytes else {
                throw CLIError(.unverified, "line \(lineNumber + 1): longer than \(Self.maxLineBytes) bytes", code: "invalid_bundle")
            }
            buffer.removeSubrange(..<start)
            start = 0
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw CLIError(.file, "cannot read the bundle: \(error)", code: "file_unreadable")
            }
            if chunk.isEmpty { atEnd = true } else {
                buffer += chunk
                bytesRead += UInt64(chunk.count)
            }
        }
    }

    /// Decodes the header line.
    static func header(_ line: [UInt8]) throws(BundleFailure) -> BundleHeader {
        func bad(_ message: String) -> BundleFailure { BundleFailure("header", code: "invalid_bundle", message) }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else {
            throw bad("line 1 is not a JSON object")
        }
        guard object["bundle"] as? String == BundleHeader.kind else { throw bad("this is not a Brake log bundle (no \"bundle\":\"\(BundleHeader.kind)\")") }
        guard let version = object["version"] as? Int, Int64(version) == BundleHeader.version else {
            throw BundleFailure("header", code: "unsupported_bundle", "bundle version \(object["version"] ?? "none"); this brakectl reads version \(BundleHeader.version)")
        }
        guard let federation = object["federation"] as? String,
              let charterObject = object["charter"] as? [String: Any],
              let checkpoint = object["checkpoint"] as? [String: Any],
              let size = (checkpoint["size"] as? NSNumber)?.uint64Value,
              let applied = (checkpoint["appliedIndex"] as? NSNumber)?.uint64Value,
              let rootText = checkpoint["root"] as? String,
              let rootBytes = Base64.decodeStandard(rootText), let root = MerkleHash(bytes: rootBytes)
        else { throw bad("the header lacks federation, charter or checkpoint {size, root, appliedIndex}") }
        let charter: Envelope
        do {
            charter = try Envelope(json: Array(try JSONSerialization.data(withJSONObject: charterObject)))
        } catch {
            throw BundleFailure("charter", code: (error as? BrakeError)?.code.rawValue ?? "invalid_bundle", "the charter is not a DSSE envelope: \(error)")
        }
        guard checkpoint["note"] == nil || checkpoint["note"] is NSNull || checkpoint["note"] is String else {
            throw bad("the checkpoint's note is neither text nor null")
        }
        return BundleHeader(
            federation: federation, charter: charter,
            checkpoint: BundleCheckpoint(note: checkpoint["note"] as? String, size: size, root: root, appliedIndex: applied),
            exportedAt: object["exportedAt"] as? String ?? "", exportedFrom: object["exportedFrom"] as? String ?? "",
            historyFrom: (object["historyFrom"] as? NSNumber)?.uint64Value ?? 1)
    }

    /// One entry line as JSON: the envelope decoded by BrakeCore's own rules.
    private struct EntryLine: Decodable {
        var envelope: Envelope
        var index: UInt64
        var leaf: UInt64
        var leafHash: String
        var time: Int64
    }

    private struct IndexOnly: Decodable { var index: UInt64 }

    /// Decodes an entry line (line `number` of the file).
    static func entry(_ line: [UInt8], number: Int) throws(BundleFailure) -> BundleEntry {
        let decoded: EntryLine
        do { decoded = try JSONDecoder().decode(EntryLine.self, from: Data(line)) } catch {
            // Name the entry when its index still reads, else the line.
            let index = try? JSONDecoder().decode(IndexOnly.self, from: Data(line)).index
            throw BundleFailure(
                index.map(BundleFailure.entry) ?? "line \(number)", code: (error as? BrakeError)?.code.rawValue ?? "invalid_bundle",
                "not a bundle entry {envelope, index, leaf, leafHash, time}: \(describe(error))")
        }
        guard let bytes = Base64.decodeStandard(decoded.leafHash), let hash = MerkleHash(bytes: bytes) else {
            throw BundleFailure(BundleFailure.entry(decoded.index), code: "invalid_bundle", "leafHash is not the standard base64 of 32 bytes")
        }
        return BundleEntry(
            leaf: LogLeaf(entryIndex: decoded.index, time: decoded.time, envelope: decoded.envelope), position: decoded.leaf, statedLeafHash: hash)
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): context.debugDescription
        case DecodingError.keyNotFound(let key, _): "no \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: "\(error)"
        }
    }
}
