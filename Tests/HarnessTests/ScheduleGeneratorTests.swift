import BrakeHarness
import Testing

/// Schedules are a pure function of their seed, keep a majority alive, and end with every node back.
@Suite struct ScheduleGeneratorTests {
    @Test(arguments: [UInt64(1), 7, 42, 123_456_789])
    func sameSeedSameSchedule(seed: UInt64) {
        let generator = ScheduleGenerator(nodeCount: 5, stepCount: 8)
        #expect(generator.schedule(seed: seed) == generator.schedule(seed: seed))
    }

    @Test func differentSeedsDiffer() {
        let generator = ScheduleGenerator(nodeCount: 5, stepCount: 8)
        let schedules = Set((1...20).map { generator.schedule(seed: UInt64($0)).steps })
        #expect(schedules.count > 15, "20 seeds gave only \(schedules.count) distinct schedules")
    }

    /// Replaying schedule k of a run means `--schedules 1 --seed S+k`: the command says exactly that.
    @Test func replayCommandNamesTheSeed() {
        let schedule = ScheduleGenerator(nodeCount: 5).schedule(seed: 99)
        #expect(schedule.replayCommand == "brake-harness chaos --nodes 5 --schedules 1 --seed 99")
    }

    @Test(arguments: 1...200)
    func neverMoreThanAMinorityDownAndEveryoneBackAtTheEnd(seed: Int) {
        let nodes = 5
        let schedule = ScheduleGenerator(nodeCount: nodes, stepCount: 10).schedule(seed: UInt64(seed))
        var killed = Set<Int>()
        var stopped = Set<Int>()
        for action in schedule.steps.map(\.action) + schedule.repairs {
            switch action {
            case .kill(let n): killed.insert(n)
            case .stop(let n): stopped.insert(n)
            case .cont(let n): stopped.remove(n)
            case .restart(let n): killed.remove(n)
            default: break
            }
            #expect(killed.count + stopped.count <= (nodes - 1) / 2, "seed \(seed): \(killed) killed and \(stopped) stopped after \(action)")
            if case .partition(let groups) = action {
                #expect(Set(groups.flatMap { $0 }) == Set(1...nodes), "seed \(seed): \(action) does not name every node once")
            }
            if case .cut(let from, let to) = action { #expect(from != to) }
        }
        #expect(killed.isEmpty && stopped.isEmpty, "seed \(seed): repairs left \(killed) killed, \(stopped) stopped")
        #expect(schedule.repairs.first == .heal)
        #expect(schedule.steps.allSatisfy { (400...1_500).contains($0.holdMillis) })
    }

    @Test func commandLineForms() throws {
        #expect(FaultAction.partition([[1, 2], [3, 4, 5]]).description == "partition 1,2/3,4,5")
        #expect(FaultAction.cut(from: 1, to: 2).description == "cut 1>2")
        #expect(try FaultAction.parseGroups("1,2/3,4,5") == [[1, 2], [3, 4, 5]])
        let link = try FaultAction.parseLink("3>1")
        #expect(link.from == 3 && link.to == 1)
        #expect(throws: HarnessError.self) { try FaultAction.parseGroups("1,2,3") }
        #expect(throws: HarnessError.self) { try FaultAction.parseLink("2>2") }
        #expect(throws: HarnessError.self) { try FaultAction.parseGroups("1,x/2") }
    }
}
