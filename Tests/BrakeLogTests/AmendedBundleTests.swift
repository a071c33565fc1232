import BrakeCore
import BrakeLog
import Testing

/// A bundle whose log amends the charter verifies with only the genesis charter in its header: the
/// verifier follows the chain, judging each amendment under the charter before it, the entries after
/// it under the new one, and the checkpoint's cosignatures under the charter in force there. An
/// amendment that lacks a signature, or carries a forged one, fails the bundle naming it.
@Suite("Bundle verifier across charter amendments")
struct AmendedBundleTests {
    static let t0: Millis = 1_764_583_200_000

    /// The fixture's federation, then: lab-a proposes that lab-c joins (with node-4 replacing node-3),
    /// lab-c proves its key, lab-b and gov-a co-sign (the amend policy wants all three parties), and
    /// lab-c, now a party, proposes a trigger that lab-a co-signs.
    struct Amended {
        var fixture: BundleFixture
        var amendmentID: String
        var next: Charter
        var labC: SigningKey
        var node4: SigningKey

        init(signers: [String] = ["lab-c", "lab-b", "gov-a"], forge: Bool = false) throws {
            var fixture = try BundleFixture()
            labC = try SigningKey(seed: Array(repeating: 40, count: 32))
            node4 = try SigningKey(seed: Array(repeating: 41, count: 32))
            var next = fixture.charter
            next.parties.append(Party(id: "lab-c", name: "lab-c", partyClass: .lab, keys: [labC.publicKey]))
            next.nodes.removeAll { $0.id == "node-3" }
            next.nodes.append(NodeInfo(
                id: "node-4", party: "lab-c", address: "127.0.0.1:7404", tlsPin: String(repeating: "4", count: 64),
                checkpointKey: node4.publicKey))
            self.next = next
            let amendment = Amendment(
                federation: BundleFixture.federation, amends: fixture.charter.id, charter: next, proposer: "lab-a",
                reason: "lab-c joins", created: AmendedBundleTests.t0, expires: AmendedBundleTests.t0 + 3_600_000,
                nonce: String(repeating: "0a", count: 8))
            let unsigned = amendment.unsignedEnvelope()
            amendmentID = motionID(payload: unsigned.payload)
            let keys = fixture.partyKeys.merging(["lab-c": labC]) { a, _ in a }
            var entries: [BundleEntry] = []
            var index: UInt64 = 0
            func add(_ envelope: Envelope) {
                index += 1
                let leaf = LogLeaf(entryIndex: index, time: AmendedBundleTests.t0 + Millis(index) * 1_000, envelope: envelope)
                entries.append(BundleEntry(leaf: leaf, position: UInt64(entries.count)))
            }
            var proposal = unsigned.signed(with: keys["lab-a"]!)
            if forge { proposal.signatures[0].sig[7] ^= 0x01 }
            add(proposal)
            for party in signers { add(unsigned.signed(with: keys[party]!)) }
            let motion = Motion(
                federation: BundleFixture.federation, kind: .trigger, scope: try Scope("training/frontier"), reason: "lab-c asks",
                proposer: "lab-c", created: AmendedBundleTests.t0 + 10_000, expires: AmendedBundleTests.t0 + 3_600_000,
                nonce: String(repeating: "0b", count: 8)
            ).unsignedEnvelope()
            add(motion.signed(with: labC))
            add(motion.signed(with: keys["lab-a"]!))
            fixture.entries = entries
            self.fixture = fixture
        }

        /// The header, cosigned by `cosigners` (node-4 with its key, others with the fixture's).
        func header(cosigners: [String]) throws -> BundleHeader {
            let checkpoint = try fixture.checkpoint
            var signed = SignedCheckpoint(checkpoint: checkpoint)
            for node in cosigners {
                let key = node == "node-4" ? node4 : fixture.nodeKeys[node]!
                signed = signed.adding(Cosignature.sign(
                    checkpoint, keyName: Cosignature.keyName(origin: BundleFixture.federation, node: node), key: key, timestamp: 1_764_583_300))
            }
            var header = try fixture.header()
            header.checkpoint = BundleCheckpoint(note: signed.text, size: checkpoint.size, root: checkpoint.root, appliedIndex: UInt64(fixture.entries.count))
            return header
        }
    }

    @Test("holding only the genesis charter, a bundle verifies through an amendment")
    func verifiesThroughAmendment() throws {
        let amended = try Amended()
        let report = try BundleFixture.verify(try amended.header(cosigners: ["node-1", "node-4"]), amended.fixture.entries)
        #expect(report.rejected.isEmpty, "\(report.rejected)")
        let chain = report.registry.charterHistory
        #expect(chain.map(\.index) == [0, 4], "the amendment passed with gov-a's signature at entry 4")
        #expect(chain.last?.charter == amended.next && chain.last?.cause == amended.amendmentID)
        #expect(report.pauseHistory.first?.triggerSigners.map(\.party) == ["lab-c", "lab-a"], "lab-c signs as a party after entry 4")
        #expect(report.cosignatures.map(\.keyName) == ["brake-bundle-test/node-1", "brake-bundle-test/node-4"])
    }

    @Test("cosignatures count under the charter in force at the checkpoint, not the genesis one")
    func cosignersOfTheAmendedCharter() throws {
        let amended = try Amended()
        // node-3 left with the amendment: with node-1 it is no longer a majority of the nodes in force.
        let failure = try failing(try amended.header(cosigners: ["node-1", "node-3"]), amended.fixture.entries)
        #expect(failure.location == "checkpoint" && failure.code == "not_final", "\(failure)")
    }

    @Test("an amendment short of its policy fails the bundle, naming the amendment")
    func unpassedAmendment() throws {
        let amended = try Amended(signers: ["lab-c", "lab-b"])
        let failure = try failing(try amended.header(cosigners: ["node-1", "node-4"]), amended.fixture.entries)
        #expect(failure.location == "entry 4" && failure.code == "amendment_not_passed", "\(failure)")
        #expect(failure.message.contains("amendment \(amended.amendmentID) (entry 1)"), "\(failure)")
    }

    @Test("a checkpoint cosigned by nodes an unpassed amendment would bring fails, naming the amendment")
    func unpassedNodeChange() throws {
        var amended = try Amended(signers: ["lab-c", "lab-b"])
        amended.fixture.entries.removeLast(2)
        let failure = try failing(try amended.header(cosigners: ["node-1", "node-4"]), amended.fixture.entries)
        #expect(failure.location == "checkpoint" && failure.code == "amendment_not_passed", "\(failure)")
        #expect(failure.message.contains("amendment \(amended.amendmentID) (entry 1)"), "\(failure)")
    }

    @Test("an amendment with a forged signature fails the bundle at its entry")
    func forgedAmendment() throws {
        let amended = try Amended(forge: true)
        let failure = try failing(try amended.header(cosigners: ["node-1", "node-4"]), amended.fixture.entries)
        #expect(failure.location == "entry 1" && failure.code == "bad_signature", "\(failure)")
        #expect(failure.message.contains("amendment \(amended.amendmentID)"), "\(failure)")
    }

    @Test("a signature by a key revoked earlier in the log is the registry's to refuse, not a broken bundle")
    func revokedKeyLeftToTheReplay() throws {
        var amended = try Amended()
        let keys = amended.fixture.partyKeys
        let spare = try SigningKey(seed: Array(repeating: 42, count: 32))
        var next = amended.fixture.charter
        next.parties[0].keys.append(spare.publicKey)
        let t0 = AmendedBundleTests.t0
        var amendment = Amendment(
            federation: BundleFixture.federation, amends: amended.fixture.charter.id, charter: next, proposer: "lab-a",
            reason: "a spare key for lab-a", created: t0, expires: t0 + 3_600_000, nonce: String(repeating: "0c", count: 8)
        ).unsignedEnvelope()
        for key in [keys["lab-a"]!, spare, keys["lab-b"]!, keys["gov-a"]!] { amendment = amendment.signed(with: key) }
        let revocation = Revocation(
            federation: BundleFixture.federation, party: "lab-a", keys: [keys["lab-a"]!.publicKey], reason: "leaked",
            created: t0 + 1_000, nonce: String(repeating: "0d", count: 8)
        ).unsignedEnvelope().signed(with: spare)
        // A motion signed with the old key, committed after the revocation (it raced it to the log).
        let late = Motion(
            federation: BundleFixture.federation, kind: .trigger, scope: try Scope("eval"), reason: "late", proposer: "lab-a",
            created: t0 + 2_000, expires: t0 + 3_600_000, nonce: String(repeating: "0e", count: 8)
        ).unsignedEnvelope().signed(with: keys["lab-a"]!)
        amended.fixture.entries = [amendment, revocation, late].enumerated().map { n, envelope in
            BundleEntry(leaf: LogLeaf(entryIndex: UInt64(n + 1), time: t0 + Millis(n + 1) * 1_000, envelope: envelope), position: UInt64(n))
        }
        let report = try BundleFixture.verify(try amended.header(cosigners: ["node-1", "node-2"]), amended.fixture.entries)
        #expect(report.registry.charterHistory.map(\.index) == [0, 1, 2], "amended at 1, revoked at 2")
        #expect(report.rejected.map(\.index) == [3] && report.rejected.first?.code == "revoked_key", "\(report.rejected)")
    }

    private func failing(_ header: BundleHeader, _ entries: [BundleEntry]) throws -> BundleFailure {
        do {
            _ = try BundleFixture.verify(header, entries)
        } catch {
            return error
        }
        throw BundleFailure("test", code: "verified", "the bundle verified, but it should not have")
    }
}
