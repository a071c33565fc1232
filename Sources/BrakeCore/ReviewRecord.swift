/// The registry's record of an accepted attestation review (a countersignature or a dispute).
///
/// Stored JSON (row `r/<id>`, canonical, strict on reading):
/// `{"envelope":{…},"id":"…","index":N,"review":{…},"signers":["gov-a"],"time":T}`.
public struct ReviewRecord: Sendable, Hashable, Codable {
    /// The review id (SHA-256 of the payload).
    public var id: String
    /// The parsed review.
    public var review: AttestationReview
    /// The envelope as verified: payload and one signature per party, keyids set to the verifying keys.
    public var envelope: Envelope
    /// The distinct parties that signed, in envelope order.
    public var signers: [String]
    /// The entry that recorded it.
    public var index: UInt64
    /// The effective time of that entry.
    public var time: Millis

    /// Creates a record.
    public init(id: String, review: AttestationReview, envelope: Envelope, signers: [String], index: UInt64, time: Millis) {
        self.id = id
        self.review = review
        self.envelope = envelope
        self.signers = signers
        self.index = index
        self.time = time
    }

    /// Decodes the JSON form.
    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder) }
    /// Encodes the JSON form.
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

extension ReviewRecord: JSONConvertible {
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "review record", code: .corruptState)
        try f.finish(known: ["id", "review", "envelope", "signers", "index", "time"])
        id = try f.string("id")
        review = try AttestationReview(json: f.value("review"))
        envelope = try Envelope(json: f.value("envelope"))
        signers = try f.strings("signers")
        index = try f.index("index")
        time = try f.int("time")
    }

    var json: JSONValue {
        .object([
            "id": .string(id), "review": review.json, "envelope": envelope.json,
            "signers": .strings(signers), "index": .index(index), "time": .int(time),
        ])
    }
}
