// The stored JSON forms of registry records. They are the rows the store keeps and the body of
// snapshots, so they are canonical (sorted keys) and strict (unknown fields are corrupt state).

extension SignerRecord: JSONConvertible {
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "signer record", code: .corruptState)
        try f.finish(known: ["party", "keyID", "index", "time"])
        party = try f.string("party")
        keyID = try f.string("keyID")
        index = try f.index("index")
        time = try f.int("time")
    }

    var json: JSONValue {
        .object(["party": .string(party), "keyID": .string(keyID), "index": .index(index), "time": .int(time)])
    }
}

extension MotionRecord: JSONConvertible {
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "motion record", code: .corruptState)
        try f.finish(known: ["id", "motion", "payload", "envelope", "signers", "state", "openedAt", "passedAt", "closedAt", "pauseID"])
        id = try f.string("id")
        motion = try Motion(json: f.value("motion"))
        payload = try Bytes.decodeBase64(f.string("payload"), field: "payload")
        envelope = try Envelope(json: f.value("envelope"))
        var signers: [SignerRecord] = []
        for item in try f.array("signers") { signers.append(try SignerRecord(json: item)) }
        self.signers = signers
        let stateName = try f.string("state")
        guard let state = MotionState(rawValue: stateName) else { throw f.error("unknown state \"\(stateName)\"") }
        self.state = state
        openedAt = try f.index("openedAt")
        passedAt = try f.nullableIndex("passedAt")
        closedAt = try f.nullableIndex("closedAt")
        pauseID = try f.nullableString("pauseID")
    }

    var json: JSONValue {
        .object([
            "id": .string(id), "motion": motion.json, "payload": .string(Bytes.base64(payload)),
            "envelope": envelope.json, "signers": .array(signers.map(\.json)), "state": .string(state.rawValue),
            "openedAt": .index(openedAt), "passedAt": .index(passedAt), "closedAt": .index(closedAt),
            "pauseID": .string(pauseID),
        ])
    }
}

extension Pause: JSONConvertible {
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "pause record", code: .corruptState)
        try f.finish(known: ["id", "scope", "reason", "triggeredAt", "since", "signers", "liftedAt", "liftedBy", "liftedTime", "sunset"])
        id = try f.string("id")
        scope = try Scope(f.string("scope"))
        reason = try f.string("reason")
        triggeredAt = try f.index("triggeredAt")
        since = try f.int("since")
        signers = try f.strings("signers")
        liftedAt = try f.nullableIndex("liftedAt")
        liftedBy = try f.nullableString("liftedBy")
        liftedTime = try f.nullableInt("liftedTime")
        sunset = try f.nullableInt("sunset")
    }

    var json: JSONValue {
        .object([
            "id": .string(id), "scope": .string(scope.path), "reason": .string(reason),
            "triggeredAt": .index(triggeredAt), "since": .int(since), "signers": .strings(signers),
            "liftedAt": .index(liftedAt), "liftedBy": .string(liftedBy), "liftedTime": .int(liftedTime),
            "sunset": .int(sunset),
        ])
    }
}

extension AttestationRecord: JSONConvertible {
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "attestation record", code: .corruptState)
        try f.finish(known: ["id", "attestation", "envelope", "signers", "index", "time"])
        id = try f.string("id")
        attestation = try Attestation(json: f.value("attestation"))
        envelope = try Envelope(json: f.value("envelope"))
        signers = try f.strings("signers")
        index = try f.index("index")
        time = try f.int("time")
    }

    var json: JSONValue {
        .object([
            "id": .string(id), "attestation": attestation.json, "envelope": envelope.json,
            "signers": .strings(signers), "index": .index(index), "time": .int(time),
        ])
    }
}
