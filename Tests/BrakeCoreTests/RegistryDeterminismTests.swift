import BrakeCore
import Foundation
import Testing

@Suite("Registry determinism and restore")
struct RegistryDeterminismTests {
    /// A busy history: pauses, co-signatures, rejections, expiry, attestations, a lift, no-ops.
    static func history() -> [[UInt8]] {
        var h = Harness()
        var entries: [[UInt8]] = []
        func add(_ e: Envelope, _ time: Millis) { entries.append(LogRecord(time: time, envelope: e).encoded()) }
        let t1 = h.motion(.trigger, "training")
        let t2 = h.motion(.trigger, "training", proposer: "lab-b")
        let t3 = h.motion(.trigger, "inference/eu", lifetime: hour)
        add(sign(t1, "lab-a"), t0)
        add(sign(t2, "lab-b"), t0 + 1)
        add(sign(t3, "lab-a"), t0 + 2)
        entries.append([])
        add(sign(t1, "gov-a", "lab-a"), t0 + 10)  // passes, supersedes t2
        add(sign(t1, "lab-b"), t0 + 11)  // rejected: closed
        let pauseID = motionID(payload: t1.payloadBytes())
        add(sign(h.attestation(pauseID), "lab-a"), t0 + hour)  // also expires t3
        add(sign(h.attestation(pauseID, party: "lab-b"), "lab-b"), t0 + hour)
        let lift = h.motion(.lift, "training", proposer: "gov-a", pause: pauseID, created: t0 + 2 * hour)
        add(sign(lift, "gov-a"), t0 + 2 * hour)
        entries.append([])
        add(sign(lift, "lab-b"), t0 + 3 * hour)
        add(sign(h.motion(.trigger, "training", created: t0 + 3 * hour), "lab-a", "lab-b"), t0 + 3 * hour)
        return entries
    }

    static func replay(_ entries: [[UInt8]], into registry: inout Registry, from start: UInt64 = 1) -> [ApplyResult] {
        entries.enumerated().map { registry.apply(index: start + UInt64($0.offset), data: $0.element) }
    }

    @Test func sameEntriesSameBytes() throws {
        let entries = Self.history()
        var a = Registry(charter: dev.charter)
        var b = Registry(charter: dev.charter)
        let resultsA = Self.replay(entries, into: &a)
        let resultsB = Self.replay(entries, into: &b)
        #expect(resultsA == resultsB)
        #expect(a == b)
        #expect(a.snapshot() == b.snapshot())
        #expect(a.rows.map(\.value) == b.rows.map(\.value))
        // The history did what it says.
        #expect(a.pauses.count == 2 && a.pauses[0].liftedAt == 11 && a.pauses[1].liftedAt == nil)
        #expect(a.motions.map(\.state) == [.passed, .superseded, .expired, .passed, .passed])
        #expect(a.attestations.count == 2)
        #expect(resultsA.filter { if case .rejected = $0.outcome { true } else { false } }.count == 1)
    }

    @Test func restoreFromRowsAndSnapshot() throws {
        let entries = Self.history()
        var original = Registry(charter: dev.charter)
        var store: [RegistryKey: [UInt8]] = [:]
        for result in Self.replay(entries, into: &original) {
            for key in result.changed { store[key] = original.row(for: key) }
        }
        // The rows kept incrementally from `changed` are the full state.
        #expect(store.count == original.rows.count)
        let fromRows = try Registry(charter: dev.charter, rows: store.map { ($0.key, $0.value) }.shuffled())
        #expect(fromRows == original)
        let fromSnapshot = try Registry(charter: dev.charter, snapshot: original.snapshot())
        #expect(fromSnapshot == original)
        #expect(fromSnapshot.snapshot() == original.snapshot())

        // A restored registry continues exactly like the original.
        var continued = fromRows
        var reference = original
        var fresh = Harness()
        let next = LogRecord(time: t0 + 4 * hour, envelope: sign(fresh.motion(.trigger, "x", created: t0 + 4 * hour), "lab-a")).encoded()
        #expect(continued.apply(index: 13, data: next) == reference.apply(index: 13, data: next))
        #expect(continued.snapshot() == reference.snapshot())
    }

    @Test func restoreRejectsForeignOrCorruptState() throws {
        var original = Registry(charter: dev.charter)
        _ = Self.replay(Self.history(), into: &original)
        var other = dev.charter
        other.federation = "elsewhere"
        #expect(brakeError { () throws(BrakeError) in try Registry(charter: other, snapshot: original.snapshot()) }?.code == .corruptState)
        #expect(brakeError { () throws(BrakeError) in try Registry(charter: other, rows: original.rows) }?.code == .corruptState)
        let noMeta = original.rows.filter { $0.key != .meta }
        #expect(brakeError { () throws(BrakeError) in try Registry(charter: dev.charter, rows: noMeta) }?.code == .corruptState)
        var mislabeled = original.rows
        mislabeled[1].key = .motion("not-its-id")
        #expect(brakeError { () throws(BrakeError) in try Registry(charter: dev.charter, rows: mislabeled) }?.code == .corruptState)
        #expect(brakeError { () throws(BrakeError) in try Registry(charter: dev.charter, snapshot: utf8("{}")) }?.code == .corruptState)
        #expect(try Registry(charter: dev.charter, rows: []) == Registry(charter: dev.charter))
    }

    @Test(arguments: [
        (RegistryKey.meta, "meta"), (.motion("ab"), "m/ab"), (.pause("cd"), "p/cd"), (.attestation("ef"), "a/ef"),
    ])
    func registryKeyBytes(key: RegistryKey, text: String) throws {
        #expect(key.bytes == utf8(text))
        #expect(try RegistryKey(bytes: utf8(text)) == key)
    }

    @Test(arguments: ["", "m/", "x/ab", "metadata"])
    func badRegistryKeys(text: String) {
        #expect(brakeError { () throws(BrakeError) in try RegistryKey(bytes: utf8(text)) }?.code == .corruptState)
    }
}
