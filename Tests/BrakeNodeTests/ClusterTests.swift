import BrakeCore
import BrakeReplica
import BrakeNode
import BrakeRaft
import Foundation
import Testing

/// Three real `NodeDriver`s with real LMDB stores, linked in-process: the driver runs Raft between
/// nodes, forwards a follower's submissions to the leader, and reads honestly when cut off.
@Suite("NodeDriver in a three-node group", .serialized)
struct ClusterTests {
    @Test("a submission to a follower goes to the leader and commits on every node")
    func forwardToLeader() async throws {
        let cluster = try LocalCluster()
        defer { Task { await cluster.shutdown() } }
        let leader = try await cluster.waitForLeader()
        let followers = LocalCluster.nodeIDs.filter { $0 != leader }

        let envelope = try cluster.motion("training", by: "lab-a")
        let outcome = await cluster.network.driver(followers[0])!.submit(envelope, timeoutMillis: 3_000)
        guard case .applied(.accepted(let receipt), let index) = outcome else {
            Issue.record("expected the motion to be applied, got \(outcome)")
            return
        }
        #expect(receipt.state == "open")

        // Co-signed through the other follower: the motion passes and every node reports paused.
        var cosign = envelope
        cosign.signatures = []
        cosign = cosign.signed(with: cluster.keys["lab-b"]!)
        let second = await cluster.network.driver(followers[1])!.submit(cosign, timeoutMillis: 3_000)
        guard case .applied(.accepted(let passed), let passedIndex) = second else {
            Issue.record("expected the co-signature to be applied, got \(second)")
            return
        }
        #expect(passed.state == "passed")
        #expect(passedIndex > index)
        try await cluster.waitApplied(passedIndex)
        for id in LocalCluster.nodeIDs {
            // A follower answers unknown until its first freshness echo: wait for that, never for clear.
            let driver = cluster.network.driver(id)!
            var verdict = driver.checkLocal(try Scope("training/frontier"), maxStalenessMillis: 1_000)
            let deadline = ContinuousClock.now + .seconds(10)
            while verdict.verdict == .unknown && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                verdict = driver.checkLocal(try Scope("training/frontier"), maxStalenessMillis: 1_000)
            }
            #expect(verdict.verdict == .paused, "\(id) says \(verdict.verdict): \(verdict.reason ?? "")")
            let linear = await cluster.network.driver(id)!.check(try Scope("training/frontier"), maxStalenessMillis: 1_000, consistency: .linearizable, timeoutMillis: 2_000)
            #expect(linear.verdict == .paused, "\(id) linearizable says \(linear.verdict)")
        }
        let states = await LocalCluster.nodeIDs.asyncMap { await cluster.network.driver($0)!.currentRegistry().snapshot() }
        #expect(Set(states).count == 1, "registries differ across nodes")
        await cluster.shutdown()
    }

    @Test("a node cut off from the quorum answers unknown, never clear, and catches up after heal")
    func cutOffNodeIsUnknown() async throws {
        let cluster = try LocalCluster()
        defer { Task { await cluster.shutdown() } }
        let leader = try await cluster.waitForLeader()
        let follower = LocalCluster.nodeIDs.first { $0 != leader }!
        cluster.network.cut(follower)
        try await Task.sleep(for: .milliseconds(400))
        let cutOff = cluster.network.driver(follower)!
        let local = await cutOff.check(try Scope("training"), maxStalenessMillis: 200, consistency: .local, timeoutMillis: 300)
        #expect(local.verdict == .unknown)
        #expect(local.reason != nil)
        let linear = await cutOff.check(try Scope("training"), maxStalenessMillis: 200, consistency: .linearizable, timeoutMillis: 300)
        #expect(linear.verdict == .unknown)

        // Meanwhile the majority pauses training.
        let rest = LocalCluster.nodeIDs.filter { $0 != follower }
        let majorityLeader = try await cluster.waitForLeader(among: rest)
        var envelope = try cluster.motion("training", by: "lab-a")
        envelope = envelope.signed(with: cluster.keys["gov-a"]!)
        let outcome = await cluster.network.driver(majorityLeader)!.submit(envelope, timeoutMillis: 3_000)
        guard case .applied(.accepted(let receipt), let index) = outcome else {
            Issue.record("expected the motion to be applied, got \(outcome)")
            return
        }
        #expect(receipt.state == "passed")

        cluster.network.heal()
        try await cluster.waitApplied(index, on: [follower])
        // Once it has heard from a quorum again (a freshness probe answered after the heal) it
        // says paused; until then unknown, and never clear.
        var verdicts: [CheckVerdict.Verdict] = []
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline, verdicts.last != .paused {
            verdicts.append(await cutOff.check(try Scope("training/frontier"), maxStalenessMillis: 1_000, consistency: .local, timeoutMillis: 1_000).verdict)
            if verdicts.last != .paused { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(verdicts.last == .paused, "verdicts after the heal: \(verdicts)")
        #expect(!verdicts.contains(.clear), "verdicts after the heal: \(verdicts)")
        await cluster.shutdown()
    }

    @Test("a restarted node resumes from its store with the same registry")
    func restartResumes() async throws {
        let cluster = try LocalCluster()
        defer { Task { await cluster.shutdown() } }
        let leader = try await cluster.waitForLeader()
        let outcome = await cluster.network.driver(leader)!.submit(try cluster.motion("inference", by: "lab-b"), timeoutMillis: 3_000)
        guard case .applied(_, let index) = outcome else {
            Issue.record("not applied: \(outcome)")
            return
        }
        try await cluster.waitApplied(index)
        let victim = LocalCluster.nodeIDs.first { $0 != leader }!
        let before = await cluster.network.driver(victim)!.status()
        let registryBefore = await cluster.network.driver(victim)!.currentRegistry().snapshot()
        await cluster.stop(victim)
        try cluster.start(victim)
        let after = await cluster.network.driver(victim)!.status()
        #expect(after.term >= before.term)
        #expect(after.appliedIndex == before.appliedIndex)
        #expect(await cluster.network.driver(victim)!.currentRegistry().snapshot() == registryBefore)
        await cluster.shutdown()
    }

    @Test("a submission the quorum cannot commit is answered pending, and commits after heal")
    func pendingWithoutQuorum() async throws {
        let cluster = try LocalCluster()
        defer { Task { await cluster.shutdown() } }
        let leader = try await cluster.waitForLeader()
        for id in LocalCluster.nodeIDs where id != leader { cluster.network.cut(id) }
        let envelope = try cluster.motion("pending", by: "lab-a")
        let outcome = await cluster.network.driver(leader)!.submit(envelope, timeoutMillis: 200)
        guard case .pending(_, let index) = outcome else {
            Issue.record("expected pending, got \(outcome)")
            return
        }
        cluster.network.heal()
        let newLeader = try await cluster.waitForLeader()
        let registry = await cluster.network.driver(newLeader)!.currentRegistry()
        // Either the old leader kept leading and the entry committed, or it was replaced; the
        // registry never holds a half-applied motion.
        if registry.appliedIndex >= index, let record = registry.motions.first(where: { $0.motion.scope.path == "pending" }) {
            #expect(record.signers.map(\.party) == ["lab-a"])
        }
        await cluster.shutdown()
    }

    @Test("a follower that fell behind the compacted log catches up from a snapshot")
    func snapshotCatchUp() async throws {
        let cluster = try LocalCluster(snapshotInterval: 5)
        defer { Task { await cluster.shutdown() } }
        let leader = try await cluster.waitForLeader()
        let lagging = LocalCluster.nodeIDs.first { $0 != leader }!
        cluster.network.cut(lagging)
        let rest = LocalCluster.nodeIDs.filter { $0 != lagging }
        var last: UInt64 = 0
        for n in 0..<14 {
            let current = try await cluster.waitForLeader(among: rest)
            let outcome = await cluster.network.driver(current)!.submit(try cluster.motion("snap/m\(n)", by: "lab-b"), timeoutMillis: 3_000)
            if case .applied(_, let index) = outcome { last = index }
        }
        #expect(last >= 14)
        cluster.network.heal()
        try await cluster.waitApplied(last, on: [lagging])
        #expect(await cluster.network.driver(lagging)!.status().snapshotsInstalled >= 1, "caught up without a snapshot")
        let states = await LocalCluster.nodeIDs.asyncMap { await cluster.network.driver($0)!.currentRegistry().snapshot() }
        #expect(Set(states).count == 1, "registries differ after catch-up")
        // It restarts from its store (snapshot-installed rows) with the same state.
        await cluster.stop(lagging)
        try cluster.start(lagging)
        #expect(await cluster.network.driver(lagging)!.currentRegistry().snapshot() == states[0])
        await cluster.shutdown()
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
