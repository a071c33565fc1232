/// Makes fault schedules from seeds: pure, so the same seed always gives the same schedule.
///
/// At most a minority (f of 2f+1) of nodes is killed or stopped at once, so a majority can make
/// progress once the network heals; network faults are unconstrained (a minority-only federation is
/// part of what the checker must survive).
public struct ScheduleGenerator: Sendable {
    /// Nodes in the federation.
    public var nodeCount: Int
    /// Fault steps per schedule.
    public var stepCount: Int
    /// How long each fault is held, in milliseconds.
    public var holdMillis: ClosedRange<Int>

    /// A generator for `nodeCount` nodes.
    public init(nodeCount: Int, stepCount: Int = 6, holdMillis: ClosedRange<Int> = 400...1_500) {
        self.nodeCount = nodeCount
        self.stepCount = stepCount
        self.holdMillis = holdMillis
    }

    /// The schedule of `seed`.
    public func schedule(seed: UInt64) -> FaultSchedule {
        var random = SeededRandom(seed: seed)
        let numbers = Array(1...nodeCount)
        let maxDown = (nodeCount - 1) / 2
        var killed: [Int] = []
        var stopped: [Int] = []
        var steps: [FaultSchedule.Step] = []
        for _ in 0..<stepCount {
            let up = numbers.filter { !killed.contains($0) && !stopped.contains($0) }
            var choices: [FaultAction] = []
            var shuffled = numbers
            shuffled.shuffle(using: &random)
            let split = Int.random(in: 1...max(1, nodeCount / 2), using: &random)
            if nodeCount > 1 {
                choices.append(.partition([Array(shuffled[..<split]).sorted(), Array(shuffled[split...]).sorted()]))
                choices.append(.isolate(numbers.randomElement(using: &random)!))
                let from = numbers.randomElement(using: &random)!
                let to = numbers.filter { $0 != from }.randomElement(using: &random)!
                choices.append(.cut(from: from, to: to))
                choices.append(.heal)
            }
            if killed.count + stopped.count < maxDown, let n = up.randomElement(using: &random) {
                choices.append(.kill(n))
                choices.append(.stop(n))
                choices.append(.restart(n))
            }
            if let n = killed.randomElement(using: &random) { choices.append(.restart(n)) }
            if let n = stopped.randomElement(using: &random) { choices.append(.cont(n)) }
            guard let action = choices.randomElement(using: &random) else { break }
            switch action {
            case .kill(let n): killed.append(n)
            case .stop(let n): stopped.append(n)
            case .cont(let n): stopped.removeAll { $0 == n }
            case .restart(let n): killed.removeAll { $0 == n }
            default: break
            }
            steps.append(.init(action: action, holdMillis: Int.random(in: holdMillis, using: &random)))
        }
        let repairs: [FaultAction] = [.heal] + stopped.sorted().map { .cont($0) } + killed.sorted().map { .restart($0) }
        return FaultSchedule(seed: seed, nodeCount: nodeCount, steps: steps, repairs: repairs)
    }
}
