import Foundation

extension Federation {
    /// Asks every node for its status (and its verdict for `scope`) at once, each with a deadline,
    /// so one stopped node delays the report by at most `timeout`.
    public func report(scope: String? = nil, maxStalenessMillis: Int = 2_000, timeout: Duration = .seconds(1)) async -> FederationReport {
        var reports: [Int: NodeReport] = [:]
        for node in layout.nodes {
            reports[node.number] = NodeReport(
                number: node.number, id: node.id, party: node.party,
                process: (try? processState(node.number)) ?? "exited", pid: try? pid(node.number)
            )
        }
        let answers = await withTaskGroup(of: (Int, NodeStatusView?, String?, String?).self) { group in
            for node in layout.nodes {
                let api = NodeAPI(socket: node.socket)
                group.addTask {
                    do {
                        let status = try await api.status(timeout: timeout)
                        var verdict: String?
                        if let scope {
                            verdict = try await api.check(scope, maxStalenessMillis: maxStalenessMillis, timeout: timeout).verdict
                        }
                        return (node.number, status, verdict, nil)
                    } catch {
                        return (node.number, nil, nil, Self.describe(error))
                    }
                }
            }
            var all: [(Int, NodeStatusView?, String?, String?)] = []
            for await answer in group { all.append(answer) }
            return all
        }
        for (n, status, verdict, error) in answers {
            reports[n]?.status = status
            reports[n]?.verdict = verdict
            reports[n]?.error = error
        }
        return FederationReport(nodes: reports.keys.sorted().compactMap { reports[$0] }, cutLinks: cutLinks(), scope: scope)
    }

    /// The number of the node among `candidates` that says it leads, at the highest term; nil if none does.
    public func leader(among candidates: [Int]? = nil, timeout: Duration = .seconds(1)) async -> Int? {
        let wanted = Set(candidates ?? numbers)
        let report = await report(timeout: timeout)
        return report.nodes
            .filter { wanted.contains($0.number) && $0.status?.role == "leader" }
            .max { ($0.status?.term ?? 0) < ($1.status?.term ?? 0) }?
            .number
    }

    /// Waits until one node among `candidates` leads; returns its number.
    public func waitForLeader(among candidates: [Int]? = nil, timeout: Duration = .seconds(30)) async throws -> Int {
        var found: Int?
        try await Deadline.waitUntil("a leader among nodes \((candidates ?? numbers).map(String.init).joined(separator: ","))", timeout: timeout) {
            found = await self.leader(among: candidates)
            return found != nil
        }
        return found!
    }

    /// A short text for an error of a node call: a timeout reads as "no answer".
    nonisolated static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("deadlineExceeded") || text.contains("Timeout") { return "no answer (timeout)" }
        if text.contains("connect") || text.contains("ENOENT") || text.contains("ECONNREFUSED") { return "not listening" }
        return text
    }
}
