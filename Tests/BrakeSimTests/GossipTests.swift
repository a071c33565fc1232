import BrakeCore
import BrakeRaft
import BrakeSim
import Testing

/// Gossip in the simulation (the real node core): a declaration submitted at any node reaches
/// every node it has a path to, and the leader commits it, even with the direct link cut.
@Suite struct GossipTests {
    static func quietFaults() -> SimulationFaults {
        var faults = SimulationFaults.none
        faults.latency = 1...3
        faults.heal = 0
        faults.faultFraction = 1  // the script decides everything
        return faults
    }

    @Test("a declaration submitted at a node cut off from the leader reaches every node and commits", arguments: [3, 5])
    func reachesLeaderAroundACut(nodes: Int) throws {
        var sim = Simulation(seed: 7, nodes: nodes, steps: 10_000, faults: Self.quietFaults(), clientRate: 0)
        // A settled leader: elected, its no-op committed and applied everywhere.
        #expect(sim.run(maxSteps: 300) { s in s.leader != nil && s.committedIndex >= 1 && s.minimumAppliedIndex == s.committedIndex })
        let leader = try #require(sim.leader)
        let submitter = try #require(sim.nodeIDs.first { $0 != leader })
        sim.cutLink(submitter, leader)
        let madeEnvelope = sim.trigger("training/frontier", signers: ["lab-a"])
        let envelope = try #require(madeEnvelope)
        let id = motionID(payload: envelope.payload)
        sim.submit(envelope, on: submitter)
        #expect(sim.pooledParties(of: id, on: submitter) == ["lab-a"], "the submitting node pools what it admitted")
        // Every node comes to hold it (pooled or applied), and every node the leader reaches
        // applies it: the leader got it through another node.
        #expect(sim.run(maxSteps: 300) { s in s.nodeIDs.allSatisfy { s.holds(id, on: $0) } })
        let reached = sim.nodeIDs.filter { $0 != submitter }
        #expect(sim.run(maxSteps: 300) { s in reached.allSatisfy { s.hasApplied(id, signers: ["lab-a"], on: $0) } })
        #expect(sim.leader == leader)
        // After the heal the submitter applies it too, and it leaves every pool.
        sim.heal()
        #expect(sim.run(maxSteps: 300) { s in
            s.nodeIDs.allSatisfy { s.hasApplied(id, signers: ["lab-a"], on: $0) && s.pooledParties(of: id, on: $0) == nil }
        })
        #expect(sim.report.violation == nil, "\(sim.report)")
    }

    @Test("co-signatures gathered at different nodes merge by party and commit as one motion")
    func cosignaturesMerge() throws {
        var sim = Simulation(seed: 11, nodes: 5, steps: 10_000, faults: Self.quietFaults(), clientRate: 0)
        // A settled leader: elected, its no-op committed and applied everywhere.
        #expect(sim.run(maxSteps: 300) { s in s.leader != nil && s.committedIndex >= 1 && s.minimumAppliedIndex == s.committedIndex })
        let leader = try #require(sim.leader)
        let others = sim.nodeIDs.filter { $0 != leader }
        // Two followers cannot reach the leader directly (the leader keeps its quorum through the
        // other two): the proposer's and the co-signer's signatures are gathered at those two and
        // only gossip carries them.
        let (proposerNode, cosignerNode) = (others[2], others[3])
        sim.cutLink(proposerNode, leader)
        sim.cutLink(cosignerNode, leader)
        let madeProposed = sim.trigger("eval/bio", signers: ["lab-a"])
        let proposed = try #require(madeProposed)
        let id = motionID(payload: proposed.payload)
        sim.submit(proposed, on: proposerNode)
        #expect(sim.run(maxSteps: 300) { $0.hasApplied(id, signers: ["lab-a"], on: leader) })
        // The co-signer's node holds the motion (pooled: it cannot see the commit) before its
        // party co-signs, as `brakectl sign` needs; the lone co-signature merges there.
        #expect(sim.run(maxSteps: 300) { $0.pooledParties(of: id, on: cosignerNode) == ["lab-a"] })
        sim.submit(sim.cosigned(proposed, by: "gov-a"), on: cosignerNode)
        #expect(sim.pooledParties(of: id, on: cosignerNode) == ["gov-a", "lab-a"])
        #expect(sim.run(maxSteps: 300) { $0.hasApplied(id, signers: ["lab-a", "gov-a"], on: leader) })
        #expect(sim.leader == leader)
        sim.heal()
        #expect(sim.run(maxSteps: 300) { s in s.nodeIDs.allSatisfy { s.hasApplied(id, signers: ["lab-a", "gov-a"], on: $0) } })
        #expect(sim.report.violation == nil, "\(sim.report)")
    }

    @Test("pools drain in every seed of a short sweep: what reached any node was committed", arguments: 0..<UInt64(40))
    func poolsDrain(seed: UInt64) {
        var sim = Simulation.sweep(seed: seed)
        let report = sim.run()
        #expect(report.violation == nil, "\(report)")
        #expect(report.convergedAtStep != nil)
    }
}
