import BrakeCore
import Foundation
import NIOCore

extension BenchSession {
    // MARK: - A pause everywhere

    /// Trials of: propose a trigger (committed), then send the last signature the trigger policy
    /// needs and time until every node answers `paused` for its scope. With one node the proposal
    /// is itself the last signature. Each node is polled by its own client as fast as it answers.
    func pausePhase(trials: Int) async throws -> LatencyFigures {
        var samples: [Duration] = []
        for trial in 0..<trials {
            let scope = "bench/\(nextTag("pause"))"
            let motion = try proposer.motion(scope: scope)
            let (leader, _) = try await leaderSocket()
            let leaderAPI = try federation.api(leader)
            var last = motion.unsignedEnvelope().signed(with: proposer.key)
            if nodeCount > 1, let cosigner {
                let proposed = try await Self.submitRetrying(last, to: leaderAPI)
                guard proposed.status == 200 else {
                    throw HarnessError(.node, "pause trial \(trial + 1): the proposal was answered \(proposed.status) \(proposed.errorCode ?? "")")
                }
                last = motion.unsignedEnvelope().signed(with: cosigner.key)
            }
            let finalSignature = last
            let numbers = federation.numbers
            let apis = try numbers.map { try federation.api($0) }
            let started = ContinuousClock.now
            let longest = try await withThrowingTaskGroup(of: Duration.self) { group in
                group.addTask {
                    let reply = try await Self.submitRetrying(finalSignature, to: leaderAPI)
                    guard reply.status == 200 else {
                        throw HarnessError(.node, "pause trial \(trial + 1): the last signature was answered \(reply.status) \(reply.errorCode ?? "")")
                    }
                    return .zero
                }
                for (n, api) in zip(numbers, apis) {
                    group.addTask {
                        try await Deadline.waitUntil("node \(n) to answer paused for \(scope)", timeout: .seconds(10), poll: .microseconds(200)) {
                            (try? await api.check(scope, maxStalenessMillis: 5_000, timeout: .seconds(1)).verdict) == "paused"
                        }
                        return ContinuousClock.now - started
                    }
                }
                var longest = Duration.zero
                for try await elapsed in group { longest = max(longest, elapsed) }
                return longest
            }
            samples.append(longest)
        }
        let figures = LatencyFigures(samples)
        progress(String(format: "pause on every node after its last signature, %d trials: p50 %.2f ms, p99 %.2f ms", trials, figures.p50Ms, figures.p99Ms))
        return figures
    }

    /// Submits `envelope` as a client must: a 503 (no leader, a dropped proposal, overload) is
    /// retried after 10 ms until 10 s have passed; any other answer is returned.
    static func submitRetrying(_ envelope: Envelope, to api: NodeAPI) async throws -> NodeAPI.Reply {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let reply = try await api.submit(envelope)
            guard reply.status == 503, ContinuousClock.now < deadline else { return reply }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    // MARK: - Failover

    /// Trials of: wait until the federation is settled, SIGKILL the leader, and time until a
    /// survivor acknowledges a new signed submission (200: committed by a new leader and applied).
    /// Two clients per survivor keep submitting fresh motions from the moment of the kill. The
    /// killed node is then started again and catches up before the next trial.
    func failoverPhase(trials: Int) async throws -> LatencyFigures {
        var samples: [Duration] = []
        for trial in 0..<trials {
            let settled = try await federation.waitSettled(timeout: .seconds(60))
            guard let old = settled.nodes.first(where: { $0.status?.role == "leader" }), let oldTerm = old.status?.term else {
                throw HarnessError(.node, "failover trial \(trial + 1): no leader after settling")
            }
            let leader = old.number
            let survivors = try federation.numbers.filter { $0 != leader }.map { ($0, try federation.api($0)) }
            let tag = nextTag("failover")
            let motions = proposer
            let limit = Duration.seconds(30)
            let started = ContinuousClock.now
            try await federation.kill(leader)
            let answer: (Duration, Int)? = try await withThrowingTaskGroup(of: (Duration, Int)?.self) { group in
                for (n, api) in survivors {
                    for lane in 0..<2 {
                        group.addTask {
                            var k = 0
                            while ContinuousClock.now - started < limit {
                                try Task.checkCancellation()
                                k += 1
                                let body = try motions.envelopeBytes(scope: "bench/\(tag)/s\(n)l\(lane)/\(k)")
                                if let reply = try? await api.send(.POST, "/v1/declarations", body: body, timeout: .seconds(3)), reply.status == 200 {
                                    return (ContinuousClock.now - started, n)
                                }
                                // A refusal (no leader yet) comes back at once: pace the retries.
                                try await Task.sleep(for: .milliseconds(5))
                            }
                            return nil
                        }
                    }
                }
                for try await answer in group {
                    if let answer {
                        group.cancelAll()
                        return answer
                    }
                }
                return nil
            }
            guard let (elapsed, survivor) = answer else {
                throw HarnessError(.timeout, "failover trial \(trial + 1): no survivor committed within \(limit) of killing node \(leader)")
            }
            // A commit acknowledged after the kill must come from a new leader in a later term.
            let now = try await federation.api(survivor).status()
            guard let term = now.term, term > oldTerm, now.leader != FederationPlan.nodeID(leader) else {
                throw HarnessError(.node, "failover trial \(trial + 1): node \(survivor) acknowledged a commit but says leader \(now.leader ?? "none") in term \(now.term ?? 0); node \(leader) led term \(oldTerm) and was killed")
            }
            samples.append(elapsed)
            let millis = String(format: "%.1f", Double(LatencyFigures.micros(elapsed)) / 1_000)
            progress("failover \(trial + 1)/\(trials): node \(leader) (leader in term \(oldTerm)) SIGKILLed; node \(survivor) committed after \(millis) ms under \(now.leader ?? "?") in term \(term)")
            try await federation.start(leader)
        }
        _ = try await federation.waitSettled(timeout: .seconds(60))
        let figures = LatencyFigures(samples)
        progress(String(format: "failover, %d trials: p50 %.1f ms, p99 %.1f ms", trials, figures.p50Ms, figures.p99Ms))
        return figures
    }
}
