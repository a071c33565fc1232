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
        case .amendment(let id): amendmentsByID[id]?.json.canonicalBytes()
        case .charterEpoch(let index): charterHistory.dropFirst().first { $0.index == index }?.json.canonicalBytes()
        }
    }

    /// Every row, sorted by key bytes: what a store holds for this state.
    public var rows: [(key: RegistryKey, value: [UInt8])] {
        let keys: [RegistryKey] = [.meta] + motionsByID.keys.map { .motion($0) } + pausesByID.keys.map { .pause($0) }
            + attestationsByID.keys.map { .attestation($0) } + reviewsByID.keys.map { .review($0) }
            + amendmentsByID.keys.map { .amendment($0) } + charterHistory.dropFirst().map { .charterEpoch($0.index) }
        return keys.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }.compactMap { key in
            row(for: key).map { (key, $0) }
        }
    }

    /// Restores a registry from stored rows, in any order. No rows at all is an empty registry;
    /// otherwise the meta row must be present and name this (genesis) charter, and the charter epoch
    /// rows rebuild the chain from it. Problems are `corrupt_state`.
    public init(charter: Charter, rows: [(key: RegistryKey, value: [UInt8])]) throws(BrakeError) {
        self.init(charter: charter)
        guard !rows.isEmpty else { return }
        var sawMeta = false
        var epochs: [CharterEpoch] = []
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
                case .amendment(let id):
                    let record = try AmendmentRecord(json: json)
                    guard record.id == id else { throw BrakeError(.corruptState, "holds amendment \(record.id)") }
                    amendmentsByID[id] = record
                case .charterEpoch(let index):
                    let epoch = try CharterEpoch(json: json)
                    guard epoch.index == index else { throw BrakeError(.corruptState, "holds the epoch of entry \(epoch.index)") }
                    epochs.append(epoch)
                }
            } catch {
                throw BrakeError(.corruptState, "row \(key): \(error.message)")
            }
        }
        guard sawMeta else { throw BrakeError(.corruptState, "the registry rows have no meta row") }
        try restoreChain(epochs)
        rebuildLookup()
        for (key, value) in rows { rowDigest.set(key, value) }
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
        if !amendmentsByID.isEmpty { fields["amendments"] = sorted(amendmentsByID) }
        if charterHistory.count > 1 { fields["charters"] = .array(charterHistory.dropFirst().map(\.json)) }
        return JSONValue.object(fields).canonicalBytes()
    }

    /// Restores a registry from `snapshot()` bytes (`corrupt_state` if they do not decode or name
    /// another genesis charter). `reviews`, `amendments` and `charters` (the epochs after genesis)
    /// may be absent (none), so a state without them keeps the bytes it had before they existed.
    public init(charter: Charter, snapshot: [UInt8]) throws(BrakeError) {
        self.init(charter: charter)
        do throws(BrakeError) {
            let f = try JSONFields(JSONValue.parse(snapshot, what: "snapshot"), what: "snapshot", code: .corruptState)
            try f.finish(known: ["meta", "motions", "pauses", "attestations", "reviews", "amendments", "charters"])
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
            for item in f.has("amendments") ? try f.array("amendments") : [] {
                let record = try AmendmentRecord(json: item)
                amendmentsByID[record.id] = record
            }
            var epochs: [CharterEpoch] = []
            for item in f.has("charters") ? try f.array("charters") : [] { epochs.append(try CharterEpoch(json: item)) }
            try restoreChain(epochs)
        } catch {
            throw BrakeError(.corruptState, "snapshot: \(error.message)")
        }
        rebuildLookup()
        for (key, value) in rows { rowDigest.set(key, value) }
    }

    /// Puts the restored epochs after genesis: indices strictly increasing, each charter of this
    /// federation and at most `appliedIndex` (`corrupt_state` otherwise).
    private mutating func restoreChain(_ epochs: [CharterEpoch]) throws(BrakeError) {
        var last: UInt64 = 0
        for epoch in epochs.sorted(by: { $0.index < $1.index }) {
            guard epoch.index > last, epoch.index <= appliedIndex else {
                throw BrakeError(.corruptState, "charter epoch \(epoch.index) is out of order or beyond the applied index \(appliedIndex)")
            }
            guard Bytes.same(epoch.charter.federation, charter.federation) else {
                throw BrakeError(.corruptState, "charter epoch \(epoch.index) is for federation \"\(epoch.charter.federation)\"")
            }
            charterHistory.append(epoch)
            last = epoch.index
        }
        charter = charterHistory[charterHistory.count - 1].charter
        rebuildRevokedKeys()
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
    /// The digest of the registry's rows (`RegistryDigest`): two nodes that applied the same entries
    /// have the same digest, so operators and the harness can compare registries without shipping
    /// them. Kept as rows change, so reading it costs the same however large the registry is.
    public func digestHex() -> String {
        rowDigest.hex
    }
}
