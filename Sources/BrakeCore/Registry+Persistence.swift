extension Registry {
    /// The canonical JSON of one row (sorted keys), or nil if there is no such record. The meta row is
    /// `{"appliedIndex":N,"charter":"<charter id>","lastTime":T}`; the others are the records' JSON forms.
    public func row(for key: RegistryKey) -> [UInt8]? {
        switch key {
        case .meta: metaJSON.canonicalBytes()
        case .motion(let id): motionsByID[id]?.json.canonicalBytes()
        case .pause(let id): pausesByID[id]?.json.canonicalBytes()
        case .attestation(let id): attestationsByID[id]?.json.canonicalBytes()
        case .review(let id): reviewsByID[id]?.json.canonicalBytes()
        }
    }

    /// Every row, sorted by key bytes: what a store holds for this state.
    public var rows: [(key: RegistryKey, value: [UInt8])] {
        let keys: [RegistryKey] = [.meta] + motionsByID.keys.map { .motion($0) } + pausesByID.keys.map { .pause($0) }
            + attestationsByID.keys.map { .attestation($0) } + reviewsByID.keys.map { .review($0) }
        return keys.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }.compactMap { key in
            row(for: key).map { (key, $0) }
        }
    }

    /// Restores a registry from stored rows, in any order. No rows at all is an empty registry;
    /// otherwise the meta row must be present and name this charter. Problems are `corrupt_state`.
    public init(charter: Charter, rows: [(key: RegistryKey, value: [UInt8])]) throws(BrakeError) {
        self.init(charter: charter)
        guard !rows.isEmpty else { return }
        var sawMeta = false
        for (key, value) in rows {
            do throws(BrakeError) {
                let json = try JSONValue.parse(value, what: "row \(key)")
                switch key {
                case .meta:
                    try restoreMeta(json)
                    sawMeta = true
                case .motion(let id):
                    let record = try MotionRecord(json: json)
                    guard record.id == id else { throw BrakeError(.corruptState, "holds motion \(record.id)") }
                    motionsByID[id] = record
                case .pause(let id):
                    let pause = try Pause(json: json)
                    guard pause.id == id else { throw BrakeError(.corruptState, "holds pause \(pause.id)") }
                    pausesByID[id] = pause
                case .attestation(let id):
                    let record = try AttestationRecord(json: json)
                    guard record.id == id else { throw BrakeError(.corruptState, "holds attestation \(record.id)") }
                    attestationsByID[id] = record
                case .review(let id):
                    let record = try ReviewRecord(json: json)
                    guard record.id == id else { throw BrakeError(.corruptState, "holds review \(record.id)") }
                    reviewsByID[id] = record
                }
            } catch {
                throw BrakeError(.corruptState, "row \(key): \(error.message)")
            }
        }
        guard sawMeta else { throw BrakeError(.corruptState, "the registry rows have no meta row") }
        rebuildLookup()
    }

    /// The whole state as canonical JSON, for Raft snapshots:
    /// `{"attestations":[…],"meta":{…},"motions":[…],"pauses":[…],"reviews":[…]}`, each list sorted by id
    /// (UTF-8 bytes; ids are lowercase hex). `reviews` is written only when there is one, so a state
    /// without reviews keeps the bytes (and digest) it had before reviews existed.
    public func snapshot() -> [UInt8] {
        func sorted<T: JSONConvertible>(_ d: [String: T]) -> JSONValue {
            .array(d.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { d[$0]!.json })
        }
        var fields: [JSONKey: JSONValue] = [
            "meta": metaJSON, "motions": sorted(motionsByID), "pauses": sorted(pausesByID),
            "attestations": sorted(attestationsByID),
        ]
        if !reviewsByID.isEmpty { fields["reviews"] = sorted(reviewsByID) }
        return JSONValue.object(fields).canonicalBytes()
    }

    /// Restores a registry from `snapshot()` bytes (`corrupt_state` if they do not decode or name
    /// another charter). `reviews` may be absent (no reviews).
    public init(charter: Charter, snapshot: [UInt8]) throws(BrakeError) {
        self.init(charter: charter)
        do throws(BrakeError) {
            let f = try JSONFields(JSONValue.parse(snapshot, what: "snapshot"), what: "snapshot", code: .corruptState)
            try f.finish(known: ["meta", "motions", "pauses", "attestations", "reviews"])
            try restoreMeta(f.value("meta"))
            for item in try f.array("motions") {
                let record = try MotionRecord(json: item)
                motionsByID[record.id] = record
            }
            for item in try f.array("pauses") {
                let pause = try Pause(json: item)
                pausesByID[pause.id] = pause
            }
            for item in try f.array("attestations") {
                let record = try AttestationRecord(json: item)
                attestationsByID[record.id] = record
            }
            for item in f.has("reviews") ? try f.array("reviews") : [] {
                let record = try ReviewRecord(json: item)
                reviewsByID[record.id] = record
            }
        } catch {
            throw BrakeError(.corruptState, "snapshot: \(error.message)")
        }
        rebuildLookup()
    }

    private var metaJSON: JSONValue {
        .object(["appliedIndex": .index(appliedIndex), "lastTime": .int(lastTime), "charter": .string(charterID)])
    }

    private mutating func restoreMeta(_ json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "meta", code: .corruptState)
        try f.finish(known: ["appliedIndex", "lastTime", "charter"])
        let charterID = try f.string("charter")
        guard charterID == self.charterID else {
            throw f.error("the state belongs to charter \(charterID), not \(self.charterID)")
        }
        appliedIndex = try f.index("appliedIndex")
        lastTime = try f.int("lastTime")
    }
}

extension Registry {
    /// Hex SHA-256 of `snapshot()`: two nodes that applied the same entries have the same digest,
    /// so operators and the harness can compare registries without shipping them.
    public func digestHex() -> String {
        Bytes.sha256Hex(snapshot())
    }
}
