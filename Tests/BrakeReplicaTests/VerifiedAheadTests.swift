import BrakeCore
import BrakeRaft
import BrakeSim
import Testing

@testable import BrakeReplica

/// Memos that reach the core after their append (the shell hands an append to the driver first and
/// verifies its signatures meanwhile) are kept by log index until the entry applies.
@Suite("Memos after their append")
struct VerifiedAheadTests {
    @Test func memosAreKeptOnlyForEntriesNotAppliedYet() throws {
        let cluster = try ReplicaCluster()
        var replica = try #require(cluster.replicas[cluster.ids[0]])
        let party = cluster.federation.partyIDs[0]
        let motion = Motion(
            federation: cluster.federation.charter.federation, kind: .trigger, scope: try Scope("training"), reason: "r",
            proposer: party, created: ReplicaCluster.epoch, expires: ReplicaCluster.epoch + 3_600_000, nonce: "00000000000000a1")
        let envelope = motion.unsignedEnvelope().signed(with: try #require(cluster.federation.key(of: party)))
        let memo = try SignatureMemo.verifying(envelope, under: cluster.federation.charter)
        #expect(!memo.isEmpty)
        #expect(replica.registry.appliedIndex == 0)
        replica.noteVerified([0: memo, 3: memo, 7: memo])
        // Index 0 is applied already (nothing is at or below the applied index to verify).
        #expect(replica.verifiedAhead.keys.sorted() == [3, 7])
        #expect(replica.verifiedAhead[3] == memo)
    }
}
