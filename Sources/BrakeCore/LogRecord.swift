/// What a Raft entry's data holds: a declaration envelope and the leader's timestamp.
///
/// The leader stamps the time when it appends, never less than its previous stamp, and the registry
/// evaluates expiry and sunset with it, so every node reaches the same state from the same entries
/// whatever its own clock says. Encoding: canonical JSON `{"envelope":{…DSSE JSON…},"time":<ms>}`.
public struct LogRecord: Sendable, Hashable {
    /// The leader's timestamp, milliseconds since the epoch.
    public var time: Millis
    /// The submitted envelope.
    public var envelope: Envelope

    /// Creates a record.
    public init(time: Millis, envelope: Envelope) {
        self.time = time
        self.envelope = envelope
    }

    /// The entry data.
    public func encoded() -> [UInt8] {
        JSONValue.object(["time": .int(time), "envelope": envelope.json]).canonicalBytes()
    }

    /// Decodes entry data (`malformed_json`, `bad_base64`).
    public init(decoding bytes: [UInt8]) throws(BrakeError) {
        let f = try JSONFields(JSONValue.parse(bytes, what: "log record"), what: "log record")
        try f.finish(known: ["time", "envelope"])
        time = try f.int("time")
        envelope = try Envelope(json: f.value("envelope"))
    }

    /// The leader's stamp of encoded entry data, read from the end of its canonical encoding
    /// (`…,"time":<ms>}`: "time" sorts after "envelope") without parsing the envelope; nil when
    /// the bytes do not end that way. A leader stamps above every entry in its log with it, so
    /// stamps never decrease along the log, whoever stamped the earlier entries.
    public static func stamp(of bytes: [UInt8]) -> Millis? {
        guard bytes.last == UInt8(ascii: "}") else { return nil }
        var i = bytes.count - 2
        var value: Millis = 0
        var scale: Millis = 1
        var digits = 0
        while i >= 0, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9"), digits < 18 {
            value += Millis(bytes[i] - UInt8(ascii: "0")) * scale
            scale *= 10
            digits += 1
            i -= 1
        }
        if i >= 0, bytes[i] == UInt8(ascii: "-") {
            value = -value
            i -= 1
        }
        let key = Array(",\"time\":".utf8)
        guard digits > 0, i + 1 >= key.count, Array(bytes[(i + 1 - key.count)...i]) == key else { return nil }
        return value
    }
}

/// A committed entry's data, decoded once for everything that reads it: the registry's apply, the
/// entry's log leaf, and the checkpoint tree.
public enum CommittedData: Sendable {
    /// Empty data: a leader's no-op.
    case noop
    /// A declaration and its leader stamp.
    case record(LogRecord)
    /// Data that does not decode; the registry rejects it without any change of state.
    case undecodable(BrakeError)

    /// Decodes entry data.
    public init(_ data: [UInt8]) {
        if data.isEmpty {
            self = .noop
            return
        }
        do throws(BrakeError) {
            self = .record(try LogRecord(decoding: data))
        } catch {
            self = .undecodable(error)
        }
    }

    /// The record, when the data is one.
    public var record: LogRecord? {
        if case .record(let record) = self { return record }
        return nil
    }
}
