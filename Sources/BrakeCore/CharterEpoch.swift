/// One link of the charter chain: a charter and the entry from which it judges.
///
/// The genesis charter is epoch 0 (`index` 0, no cause). An amendment that passes at entry `i`, or a
/// revocation committed at entry `i`, starts an epoch with `index` `i`: entry `i` itself was judged by
/// the charter before, every entry after it by this one (see `Registry.charter(at:)`).
public struct CharterEpoch: Sendable, Hashable {
    /// The entry at which this charter took over; 0 for genesis.
    public var index: UInt64
    /// The charter in force from the entry after `index`.
    public var charter: Charter
    /// The id of the amendment or revocation that made it; nil for genesis.
    public var cause: String?

    /// Creates an epoch.
    public init(index: UInt64, charter: Charter, cause: String?) {
        self.index = index
        self.charter = charter
        self.cause = cause
    }
}

extension CharterEpoch: JSONConvertible {
    /// `{"cause":"<id>","charter":{…charter payload object…},"index":N}`: the registry row of an
    /// epoch after genesis, and an item of a snapshot's `charters` list.
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "charter epoch", code: .corruptState)
        try f.finish(known: ["index", "charter", "cause"])
        index = try f.index("index")
        do {
            charter = try Charter(json: f.value("charter"))
            try charter.validate()
        } catch {
            throw f.error("the charter does not decode: \(error.message)")
        }
        cause = try f.nullableString("cause")
    }

    var json: JSONValue {
        .object(["index": .index(index), "charter": charter.json, "cause": .string(cause)])
    }
}
