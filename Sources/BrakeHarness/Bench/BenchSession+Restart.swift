import Foundation
import NIOCore

extension BenchSession {
    /// Fills the leader's log to `options.entries` with signed submissions from 64 clients (real
    /// declarations through the API, never a made-up store), then SIGKILLs and restarts that node
    /// `options.restarts` times, timing its first answer and its first fresh verdict.
    func restartPhase() async throws -> BenchReport.RestartFigures {
        let (leader, socket) = try await leaderSocket()
        let api = try federation.api(leader)
        // On a large registry under load `status` can take longer than the default deadline
        // (it used to encode the whole registry for its digest).
        let patient = Duration.seconds(120)
        var last = try await api.status(timeout: patient).lastIndex ?? 0
        let wanted = UInt64(options.entries)
        let fillStarted = ContinuousClock.now
        if last < wanted {
            progress("filling node \(leader)'s log from \(last) to \(wanted) entries")
        }
        while last < wanted {
            let batch = Int(min(20_000, wanted - last))
            let bodies = try await proposer.bodies(count: batch, tag: nextTag("fill"))
            let result = try await ClosedLoopLoad(socket: socket, connections: 64)
                .run(RequestSource(posting: bodies, to: "/v1/declarations", until: .now() + .seconds(600)))
            guard result.succeeded > 0 else {
                throw HarnessError(.node, "fill: no submission committed; answers \(result.statuses), \(result.failures.first ?? "")")
            }
            last = try await api.status(timeout: patient).lastIndex ?? last
            progress(String(format: "  %d entries (%.0f commits/s)", last, result.perSecond))
        }
        let fillSeconds = Double(LatencyFigures.micros(ContinuousClock.now - fillStarted)) / 1e6
        var answering: [Duration] = []
        var serving: [Duration] = []
        for restart in 0..<options.restarts {
            try await federation.kill(leader)
            let started = ContinuousClock.now
            try await federation.start(leader)
            answering.append(try await firstAnswer(socket: socket, since: started, what: "status") { _ in true })
            serving.append(try await firstAnswer(socket: socket, since: started, what: "check") { body in
                struct Answer: Decodable { var verdict: String }
                let verdict = (try? JSONDecoder().decode(Answer.self, from: Data(body)))?.verdict
                return verdict == "clear" || verdict == "paused"
            })
            progress(String(format: "restart %d/%d with %d entries: answering after %.1f ms, serving checks after %.1f ms", restart + 1,
                            options.restarts, last, Double(LatencyFigures.micros(answering.last!)) / 1_000,
                            Double(LatencyFigures.micros(serving.last!)) / 1_000))
        }
        return .init(entries: last, fillSeconds: fillSeconds, toAnswering: LatencyFigures(answering), toServing: LatencyFigures(serving))
    }

    /// Probes `/v1/<what>` on `socket` with a new connection each time until an answer's body
    /// satisfies `accept`; the time since `since`.
    private func firstAnswer(socket: String, since started: ContinuousClock.Instant, what: String, accept: ([UInt8]) -> Bool) async throws -> Duration {
        let path = what == "check" ? "/v1/check?scope=bench/restart&max-staleness=5s" : "/v1/status"
        let limit = Duration.seconds(300)
        while ContinuousClock.now - started < limit {
            if let result = try? await ClosedLoopLoad(socket: socket, connections: 1).run(RequestSource(probing: path, within: .seconds(2))),
               result.succeeded == 1, let body = result.lastBody, accept(body) {
                return ContinuousClock.now - started
            }
            // The node is not listening yet (or not fresh): probe again shortly.
            try await Task.sleep(for: .milliseconds(1))
        }
        throw HarnessError(.timeout, "the restarted node did not answer \(what) within \(limit)")
    }
}
