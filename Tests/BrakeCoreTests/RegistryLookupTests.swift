import BrakeCore
import Testing

/// The registry keeps open motions, pending sunsets and unlifted pauses by scope beside its tables,
/// so an entry does not scan every record. These tests pin that the lookups give the same results
/// as the rules say, and that a restored registry rebuilds them and carries on identically.
@Suite("Registry lookups")
struct RegistryLookupTests {
    /// A registry with open motions (one expiring, one to be superseded, one to pass) and pauses with
    /// sunsets ahead, then the entries that expire, supersede, refuse, and end those pauses.
    static func scenario() -> (head: Registry, tail: [[UInt8]], ids: [String: String]) {
        var charter = dev.charter
        charter.pauseSunsetSeconds = 3600
        var h = Harness(charter: charter)
        var ids: [String: String] = [:]
        let expiring = h.motion(.trigger, "other", lifetime: hour / 2)
        let a = h.motion(.trigger, "training")
        let c = h.motion(.trigger, "training", proposer: "lab-b", lifetime: 2 * hour)
        ids["expiring"] = h.accept(sign(expiring, "lab-a"))?.id
        ids["a"] = h.accept(sign(a, "lab-a"))?.id
        ids["p1"] = h.pause("inference")
        ids["c"] = h.accept(sign(c, "lab-b"))?.id
        ids["p2"] = h.pause("eval", at: t0 + 10)
        var tail: [[UInt8]] = []
        func add(_ e: Envelope, _ time: Millis) { tail.append(LogRecord(time: time, envelope: e).encoded()) }
        add(sign(c, "gov-a"), t0 + 20)  // passes: pause of training, supersedes a
        add(sign(h.motion(.trigger, "inference", created: t0 + 30), "lab-a", "lab-b"), t0 + 30)  // already paused
        tail.append([])
        add(sign(h.attestation(ids["p2"] ?? ""), "lab-a"), t0 + hour)  // expires `expiring`, p1's sunset
        add(sign(h.motion(.trigger, "inference", created: t0 + hour + 20), "lab-a", "lab-b"), t0 + hour + 20)
        ids["p3"] = motionID(payload: c.payloadBytes())
        return (h.registry, tail, ids)
    }

    static func replay(_ tail: [[UInt8]], on registry: Registry) -> (results: [ApplyResult], end: Registry) {
        var r = registry
        let start = r.appliedIndex + 1
        let results = tail.enumerated().map { r.apply(index: start + UInt64($0.offset), data: $0.element) }
        return (results, r)
    }

    @Test func expirySupersedingAndSunsetsHappenAsTheRulesSay() throws {
        let (head, tail, ids) = Self.scenario()
        let (results, end) = Self.replay(tail, on: head)
        let i = head.appliedIndex
        let p1 = try #require(ids["p1"]), p2 = try #require(ids["p2"]), p3 = try #require(ids["p3"])
        #expect(results[0].events.contains(.motionSuperseded(id: try #require(ids["a"]), index: i + 1)))
        #expect(results[0].events.contains(.pauseInForce(pauseID: p3, scope: try Scope("training"), index: i + 1)))
        guard case .rejected(let error) = results[1].outcome else { Issue.record("a second pause of inference"); return }
        #expect(error.code == .alreadyPaused && error.message.contains(p1))
        #expect(results[2].events.isEmpty)
        #expect(results[3].events.prefix(2) == [
            .motionExpired(id: try #require(ids["expiring"]), index: i + 4), .pauseSunset(pauseID: p1, index: i + 4),
        ])
        // p2 (triggered first) and p3 end together, reported in the order they were triggered.
        #expect(results[4].events.prefix(2) == [.pauseSunset(pauseID: p2, index: i + 5), .pauseSunset(pauseID: p3, index: i + 5)])
        guard case .accepted(let receipt) = results[4].outcome else { Issue.record("inference not paused anew"); return }
        #expect(receipt.state == "passed")
        #expect(end.motion(id: try #require(ids["c"]))?.state == .passed)
        #expect(end.motions.filter { $0.state == .open }.isEmpty)
    }

    @Test func restoredRegistriesCarryOnIdentically() throws {
        let (head, tail, _) = Self.scenario()
        let fromRows = try Registry(charter: head.charter, rows: head.rows.shuffled())
        let fromSnapshot = try Registry(charter: head.charter, snapshot: head.snapshot())
        let reference = Self.replay(tail, on: head)
        for restored in [fromRows, fromSnapshot] {
            #expect(restored == head)
            let continued = Self.replay(tail, on: restored)
            #expect(continued.results == reference.results)
            #expect(continued.end.snapshot() == reference.end.snapshot())
            #expect(continued.end.rows.map(\.value) == reference.end.rows.map(\.value))
        }
    }
}
