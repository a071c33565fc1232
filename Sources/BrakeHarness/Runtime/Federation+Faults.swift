extension Federation {
    /// Carries out one fault or repair.
    public func apply(_ action: FaultAction) async throws {
        switch action {
        case .partition(let groups): try await partition(groups)
        case .isolate(let n): try await isolate(n)
        case .cut(let from, let to): try await cut(from: from, to: to)
        case .heal: heal()
        case .kill(let n): try await kill(n)
        case .stop(let n): try stop(n)
        case .cont(let n): try cont(n)
        case .restart(let n): try await restart(n)
        }
    }

    /// Waits until every node answers, one leads, and all have applied the same index as the
    /// leader's commit and last index: the federation has settled and final states can be compared.
    public func waitSettled(timeout: Duration = .seconds(30)) async throws -> FederationReport {
        var last = await report()
        do {
            try await Deadline.waitUntil("every node to settle on the leader's log", timeout: timeout, poll: .milliseconds(200)) {
                last = await self.report()
                let statuses = last.nodes.compactMap(\.status)
                guard statuses.count == last.nodes.count,
                      let leader = statuses.first(where: { $0.role == "leader" }),
                      let commit = leader.commitIndex, leader.lastIndex == commit else { return false }
                return statuses.allSatisfy { $0.appliedIndex == commit && $0.commitIndex == commit }
            }
        } catch {
            let seen = last.nodes.map { node in
                "\(node.id): \(node.status.map { "\($0.role ?? "?") term \($0.term ?? 0) commit \($0.commitIndex ?? 0) applied \($0.appliedIndex ?? 0) last \($0.lastIndex ?? 0)" } ?? node.error ?? "no answer")"
            }
            throw HarnessError(.timeout, "\(error); last seen: \(seen.joined(separator: "; "))")
        }
        return last
    }

    /// Each node's final log, registry digest and pauses (nil where a node does not answer).
    public func finalStates() async -> [NodeFinalState] {
        var finals: [NodeFinalState] = []
        for n in numbers {
            guard let api = try? api(n) else { continue }
            let log = try? await api.log()
            let digest = (try? await api.status())?.registryDigest
            let pauses = try? await api.pauses()
            finals.append(NodeFinalState(node: n, log: log, registryDigest: digest, pauses: pauses))
        }
        return finals
    }
}
