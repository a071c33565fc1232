import BrakeCore
import BrakeLog
import Testing

/// The offline verifier of a log bundle (`Specs/bundle.md` 4): a history verifies, replays to the
/// registry a node that applied the same entries holds, and every kind of tampering fails at the
/// first entry, signature or cosignature it touches, naming it.
@Suite("Bundle verifier")
struct BundleVerifierTests {
    @Test("a cosigned history verifies, and its replay is the node's registry")
    func verifies() throws {
        let fixture = try BundleFixture()
        let report = try BundleFixture.verify(try fixture.header(), fixture.entries)
        #expect(report.entries == 5)
        #expect(report.signatures == 7, "2 + 2 + 1 + 1 + 1 signatures over the five envelopes")
        #expect(report.cosignatures.map(\.keyName) == ["brake-bundle-test/node-1", "brake-bundle-test/node-2"])
        #expect(report.rejected.map(\.index) == [7], "the repeated co-signature: \(report.rejected)")

        // The registry a node holds after applying every entry, no-ops included.
        var node = Registry(charter: fixture.charter)
        for entry in fixture.applied { _ = node.apply(index: entry.index, data: entry.data) }
        #expect(report.registry.appliedIndex == 8)
        #expect(report.registryDigest == node.digestHex())

        let history = report.pauseHistory
        try #require(history.count == 2, "\(history)")
        #expect(history[0].pause.scope.description == "training/frontier" && history[0].pause.liftedAt == 3)
        #expect(history[0].triggerSigners.map(\.party) == ["lab-a", "lab-b"] && history[0].triggerSigners.allSatisfy { $0.index == 2 })
        #expect(history[0].liftSigners.map(\.party) == ["gov-a", "lab-a"])
        #expect(history[1].pause.scope.description == "inference" && history[1].pause.liftedAt == nil)
        #expect(history[1].triggerSigners.map { "\($0.party)@\($0.index)" } == ["lab-b@5", "gov-a@6"])
        #expect(report.compliance.map(\.party) == ["lab-a", "lab-b"], "labs owe attestations while inference is paused")
    }

    @Test("a changed signature fails at its entry, naming the signature")
    func changedSignature() throws {
        let fixture = try BundleFixture()
        var entries = fixture.entries
        var envelope = entries[3].leaf.envelope
        envelope.signatures[0].sig[5] ^= 0x01
        entries[3].leaf = LogLeaf(entryIndex: entries[3].leaf.entryIndex, time: entries[3].leaf.time, envelope: envelope)
        let failure = try failing(try fixture.header(), entries)
        #expect(failure.location == "entry 6" && failure.code == "bad_signature", "\(failure)")
        #expect(failure.message.contains("signature 1"), "\(failure)")
    }

    @Test("a changed payload fails its signatures")
    func changedPayload() throws {
        let fixture = try BundleFixture()
        var entries = fixture.entries
        var envelope = entries[0].leaf.envelope
        envelope.payload[envelope.payload.count / 2] ^= 0x20
        entries[0].leaf = LogLeaf(entryIndex: 2, time: entries[0].leaf.time, envelope: envelope)
        let failure = try failing(try fixture.header(), entries)
        #expect(failure.location == "entry 2" && failure.code == "bad_signature", "\(failure)")
    }

    @Test("a changed time is named by its leaf hash; with the leaf hash forged too, by the root")
    func changedTime() throws {
        let fixture = try BundleFixture()
        var entries = fixture.entries
        entries[2].leaf = LogLeaf(entryIndex: 5, time: entries[2].leaf.time + 1, envelope: entries[2].leaf.envelope)
        let named = try failing(try fixture.header(), entries)
        #expect(named.location == "entry 5" && named.code == "invalid_leaf", "\(named)")

        entries[2].statedLeafHash = entries[2].leaf.hash
        let forged = try failing(try fixture.header(), entries)
        #expect(forged.location == "tree" && forged.code == "root_mismatch", "\(forged)")
        #expect(forged.message.contains("root at size 5 is"), "\(forged)")
    }

    @Test("a changed cosignature fails the checkpoint, naming the node")
    func changedCosignature() throws {
        let fixture = try BundleFixture()
        var header = try fixture.header()
        let checkpoint = try fixture.checkpoint
        let good = Cosignature.sign(
            checkpoint, keyName: "brake-bundle-test/node-2", key: fixture.nodeKeys["node-2"]!, timestamp: 1_764_583_300)
        var signature = good.signature
        signature[0] ^= 0x01
        let bad = Cosignature(keyName: good.keyName, keyID: good.keyID, timestamp: good.timestamp, signature: signature)
        let first = Cosignature.sign(checkpoint, keyName: "brake-bundle-test/node-1", key: fixture.nodeKeys["node-1"]!, timestamp: 1)
        header.checkpoint.note = SignedCheckpoint(checkpoint: checkpoint, cosignatures: [first, bad]).text
        let failure = try failing(header, fixture.entries)
        #expect(failure.location == "checkpoint" && failure.code == "invalid_cosignature", "\(failure)")
        #expect(failure.message.contains("brake-bundle-test/node-2"), "\(failure)")

        // The right node name with another key: named too, not ignored.
        let stranger = try SigningKey(seed: Array(repeating: 99, count: 32))
        let impostor = Cosignature.sign(checkpoint, keyName: "brake-bundle-test/node-3", key: stranger, timestamp: 1)
        header.checkpoint.note = SignedCheckpoint(checkpoint: checkpoint, cosignatures: [first, impostor]).text
        let named = try failing(header, fixture.entries)
        #expect(named.code == "invalid_cosignature" && named.message.contains("brake-bundle-test/node-3"), "\(named)")
    }

    @Test("a checkpoint cosigned by a minority is not final")
    func minority() throws {
        let fixture = try BundleFixture()
        let failure = try failing(try fixture.header(cosigners: ["node-3"]), fixture.entries)
        #expect(failure.location == "checkpoint" && failure.code == "not_final", "\(failure)")
        #expect(failure.message.contains("1 of the charter's 3 nodes") && failure.message.contains("needs 2"), "\(failure)")
    }

    @Test("a missing, a cut or an extra entry fails where the leaves stop adding up")
    func missingEntries() throws {
        let fixture = try BundleFixture()
        var skipped = fixture.entries
        skipped.remove(at: 1)
        let gap = try failing(try fixture.header(), skipped)
        #expect(gap.location == "entry 5" && gap.code == "invalid_leaf", "\(gap)")

        let cut = try failing(try fixture.header(), Array(fixture.entries.dropLast()))
        #expect(cut.location == "tree" && cut.code == "size_mismatch", "\(cut)")

        var smaller = fixture
        smaller.entries.removeLast()
        let beyond = try failing(try smaller.header(), fixture.entries)
        #expect(beyond.location == "entry 7" && beyond.code == "size_mismatch", "\(beyond)")
    }

    @Test("a bundle without a signed checkpoint, or not from genesis, or with a forged charter, is refused")
    func refusedHeaders() throws {
        let fixture = try BundleFixture()
        var unsigned = try fixture.header()
        unsigned.checkpoint.note = nil
        #expect(try failing(unsigned, fixture.entries).code == "unsigned_checkpoint")

        let late = try failing(try fixture.header(historyFrom: 5), fixture.entries)
        #expect(late.location == "header" && late.code == "incomplete_history", "\(late)")
        #expect(late.message.contains("begins at entry 5"), "\(late)")

        var forged = try fixture.header()
        forged.charter.payload[10] ^= 0x01
        let charter = try failing(forged, fixture.entries)
        #expect(charter.location == "charter", "\(charter)")

        var other = try fixture.header()
        other.checkpoint.size += 1
        #expect(try failing(other, fixture.entries).code == "invalid_bundle")
    }

    @Test("header and entry lines are the JSON the spec shows, with the note's newlines escaped")
    func lines() throws {
        let fixture = try BundleFixture()
        let header = String(decoding: try fixture.header().line, as: UTF8.self)
        #expect(header.hasPrefix(#"{"bundle":"brake-log","charter":{"payload":"#) && header.hasSuffix("\"historyFrom\":1,\"version\":1}\n"))
        #expect(header.contains(#""note":"brake-bundle-test\n5\n"#) && header.contains("\\n\\n\u{2014} brake-bundle-test/node-1 "))
        let entry = String(decoding: fixture.entries[0].line, as: UTF8.self)
        #expect(entry.hasPrefix(#"{"envelope":{"payload":"#) && entry.contains(#","index":2,"leaf":0,"leafHash":""#) && entry.hasSuffix(",\"time\":1764583201000}\n"))
    }

    private func failing(_ header: BundleHeader, _ entries: [BundleEntry]) throws -> BundleFailure {
        switch Result(catching: { () throws(BundleFailure) in try BundleFixture.verify(header, entries) }) {
        case .success(let report): throw TestError("the bundle verified (\(report.entries) entries) but should not have")
        case .failure(let failure): return failure
        }
    }
}

struct TestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
