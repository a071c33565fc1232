@testable import BrakeNode
import BrakeReplica
import Testing

/// The censorship alarms a node raised, as its event streams read them: each announced once, in
/// order, a stream that starts later sees only the later ones, and the memory stays bounded.
@Suite("Raised censorship alarms")
struct RaisedAlarmTests {
    static func alarm(_ n: Int) -> CensorshipAlarmView {
        CensorshipAlarmView(leader: "node-1", term: 3, declaration: String(repeating: "\(n % 10)", count: 64), waitingSeconds: Int64(n))
    }

    @Test func eachAlarmIsAnnouncedOnceAndInOrder() {
        let published = PublishedReads(status: PublishedReadsFixture.status)
        let startedEarly = published.raisedAlarmCount
        published.recordRaised(Self.alarm(1))
        let startedLater = published.raisedAlarmCount
        published.recordRaised(Self.alarm(2))
        let early = published.alarmsRaised(after: startedEarly)
        #expect(early.alarms.map(\.waitingSeconds) == [1, 2] && early.total == 2)
        #expect(published.alarmsRaised(after: startedLater).alarms.map(\.waitingSeconds) == [2])
        #expect(published.alarmsRaised(after: early.total).alarms.isEmpty)
    }

    @Test func onlyTheLatestAlarmsAreKept() {
        let published = PublishedReads(status: PublishedReadsFixture.status)
        for n in 0..<(PublishedReads.raisedAlarmLimit + 10) { published.recordRaised(Self.alarm(n)) }
        let all = published.alarmsRaised(after: 0)
        #expect(all.alarms.count == PublishedReads.raisedAlarmLimit)
        #expect(all.alarms.first?.waitingSeconds == 10 && all.total == PublishedReads.raisedAlarmLimit + 10)
        #expect(published.alarmsRaised(after: all.total - 1).alarms.map(\.waitingSeconds) == [Int64(all.total - 1)])
    }
}

enum PublishedReadsFixture {
    static let status = NodeStatus(
        node: "node-2", party: "lab-b", federation: "brake-test", term: 0, role: "follower", leader: nil, vote: nil,
        commitIndex: 0, appliedIndex: 0, lastIndex: 0, snapshotIndex: 0, snapshotsInstalled: 0, clockRefusedAppends: 0,
        voters: [], fresh: false, halted: nil, pausesInForce: 0, openMotions: 0, registryDigest: "")
}
