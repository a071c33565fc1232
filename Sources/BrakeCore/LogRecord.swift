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
}
