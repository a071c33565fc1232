import BrakeCore
import Testing

@Suite("Charter chain: restart, snapshot, determinism")
struct CharterChainPersistenceTests {
    /// A history that amends the charter (lab-c joins), revokes a key of lab-a's, leaves an amendment
    /// open and a motion open, and refuses a revoked key's signature.
    static func history() -> [[UInt8]] {
        var h = Harness(charter: amendableCharter())
        var entries: [[UInt8]] = []
        func add(_ e: Envelope, _ time: Millis) { entries.append(LogRecord(time: time, envelope: e).encoded()) }
        let leaked = extraKey(0)
        let join = h.amendment(to: addingLabC(to: h.registry.charter)).unsignedEnvelope()
        let open = h.motion(.trigger, "training")
        add(open.unsignedEnvelope().signed(with: leaked), t0)
        add(signed(join, devKey("lab-a"), extraKey(1)), t0 + 1)
        entries.append([])
        add(signed(join, devKey("gov-a")), t0 + 2)  // passes at entry 4
        add(h.revocation(of: [leaked.publicKey]).unsignedEnvelope().signed(with: devKey("lab-a")), t0 + 3)  // entry 5
        add(sign(h.motion(.trigger, "research"), "lab-b").signed(with: leaked), t0 + 4)  // refused: revoked_key
        add(sign(h.motion(.trigger, "inference", proposer: "lab-c"), "lab-a").signed(with: extraKey(1)), t0 + 5)
        // Entry 8: an amendment of the charter now in force, left open.
        var current = addingLabC(to: amendableCharter())
        current.parties[0].keys.removeAll { $0 == leaked.publicKey }
        var longer = current
        longer.motionLifetimeSeconds = 14 * 86_400
        add(h.amendment(to: longer, proposer: "lab-b", amends: current.id).unsignedEnvelope().signed(with: devKey("lab-b")), t0 + 6)
        return entries
    }

    @Test func sameEntriesSameStateAndBytes() throws {
        let entries = Self.history()
        var a = Registry(charter: amendableCharter())
        var b = Registry(charter: amendableCharter())
        let resultsA = RegistryDeterminismTests.replay(entries, into: &a)
        let resultsB = RegistryDeterminismTests.replay(entries, into: &b)
        #expect(resultsA == resultsB && a == b && a.snapshot() == b.snapshot())
        #expect(resultsA.map(\.charterChanged) == [false, false, false, true, true, false, false, false])
        #expect(a.charterHistory.map(\.index) == [0, 4, 5])
        guard case .rejected(let error) = resultsA[5].outcome else { Issue.record("\(resultsA[5].outcome)"); return }
        #expect(error.code == .revokedKey)
        #expect(a.pauses.count == 1 && a.pauses[0].signers == ["lab-a", "lab-c"])
        #expect(a.amendments.map(\.state) == [.passed, .open])
    }

    /// The rows kept from each entry's `changed`, and the snapshot, restore the chain: the same charter
    /// in force, the same history, the same answers to `charter(at:)`, and the same next decisions.
    @Test func restartAndSnapshotKeepTheChain() throws {
        let entries = Self.history()
        let genesis = amendableCharter()
        var original = Registry(charter: genesis)
        var store: [RegistryKey: [UInt8]] = [:]
        for result in RegistryDeterminismTests.replay(entries, into: &original) {
            for key in result.changed { store[key] = original.row(for: key) }
        }
        #expect(store.count == original.rows.count)
        #expect(store.keys.contains(.charterEpoch(4)) && store.keys.contains(.charterEpoch(5)))
        let fromRows = try Registry(charter: genesis, rows: store.map { ($0.key, $0.value) }.shuffled())
        let fromSnapshot = try Registry(charter: genesis, snapshot: original.snapshot())
        for restored in [fromRows, fromSnapshot] {
            #expect(restored == original)
            #expect(restored.charter == original.charter && restored.charterHistory == original.charterHistory)
            #expect((0...9).allSatisfy { restored.charter(at: $0) == original.charter(at: $0) })
            #expect(restored.isRevoked(keyID: extraKey(0).publicKey.keyID))
            #expect(restored.snapshot() == original.snapshot())
            // The restored registry refuses the revoked key exactly as the original does.
            var continued = restored
            var reference = original
            var h = Harness(charter: original.charter)
            let next = LogRecord(time: t0 + hour, envelope: sign(h.motion(.trigger, "x"), "lab-b").signed(with: extraKey(0))).encoded()
            let result = continued.apply(index: 9, data: next)
            #expect(result == reference.apply(index: 9, data: next))
            guard case .rejected(let error) = result.outcome else { Issue.record("\(result.outcome)"); continue }
            #expect(error.code == .revokedKey)
        }
    }

    /// A state without amendments keeps the snapshot bytes it had before charter chains existed.
    @Test func aStateWithoutAmendmentsKeepsItsBytes() throws {
        var registry = Registry(charter: dev.charter)
        _ = RegistryDeterminismTests.replay(RegistryDeterminismTests.history(), into: &registry)
        let text = String(decoding: registry.snapshot(), as: UTF8.self)
        #expect(!text.contains("\"charters\"") && !text.contains("\"amendments\""))
        #expect(registry.rows.allSatisfy { if case .charterEpoch = $0.key { false } else { true } })
    }

    /// Epoch rows that break the chain are corrupt state.
    @Test func aBrokenChainIsCorruptState() throws {
        var original = Registry(charter: amendableCharter())
        _ = RegistryDeterminismTests.replay(Self.history(), into: &original)
        var rows = original.rows
        let i = try #require(rows.firstIndex { $0.key == .charterEpoch(5) })
        rows[i].key = .charterEpoch(99)
        #expect(brakeError { () throws(BrakeError) in try Registry(charter: amendableCharter(), rows: rows) }?.code == .corruptState)
    }

    @Test(arguments: [(RegistryKey.charterEpoch(12), "c/00000000000000000012"), (.amendment("ab"), "am/ab")])
    func chainKeyBytes(key: RegistryKey, text: String) throws {
        #expect(key.bytes == utf8(text))
        #expect(try RegistryKey(bytes: utf8(text)) == key)
    }
}
