import Foundation

/// A benchmark report as fixed-width tables for people: the machine, the figures per federation
/// size, the restart, and each target with what was measured and the ratio.
public enum BenchTable {
    /// The whole report as text.
    public static func render(_ report: BenchReport) -> String {
        var out = ["machine: \(report.machine.summary)"]
        out.append("timing: \(report.timing.tickMillis) ms ticks, election after \(report.timing.electionTicks)–\(2 * report.timing.electionTicks) ticks, heartbeat every \(report.timing.heartbeatTicks)")
        out.append("")
        var rows = [["nodes", "figure", "p50 ms", "p99 ms", "max ms", "rate", "count"]]
        for f in report.federations {
            for s in f.submit {
                rows.append(["\(f.nodes)", "signed commit, \(s.clients) client\(s.clients == 1 ? "" : "s")", ms(s.latency.p50Ms), ms(s.latency.p99Ms),
                             ms(s.latency.maxMs), number(s.commitsPerSecond) + "/s", "\(s.commits)" + (s.refused > 0 ? " (+\(s.refused) not 200)" : "")])
            }
            for c in f.check {
                rows.append(["\(f.nodes)", "check, \(c.connections) connections", ms(c.latency.p50Ms), ms(c.latency.p99Ms), ms(c.latency.maxMs),
                             number(c.requestsPerSecond) + "/s", "\(c.requests)"])
            }
            let p = f.pauseEverywhere
            rows.append(["\(f.nodes)", "last signature → paused on every node", ms(p.p50Ms), ms(p.p99Ms), ms(p.maxMs), "", "\(p.count) trials"])
            if let o = f.failover {
                rows.append(["\(f.nodes)", "leader SIGKILL → survivors commit", ms(o.p50Ms), ms(o.p99Ms), ms(o.maxMs), "", "\(o.count) trials"])
            }
            rows.append(["\(f.nodes)", "CPU s per 1,000 commits (all nodes)", "", "", "", number(f.cpuSecondsPerThousandCommits), ""])
        }
        if let r = report.restart {
            rows.append(["1", "restart (\(r.entries) entries) → answering", ms(r.toAnswering.p50Ms), ms(r.toAnswering.p99Ms), ms(r.toAnswering.maxMs), "", "\(r.toAnswering.count) restarts"])
            rows.append(["1", "restart (\(r.entries) entries) → serving checks", ms(r.toServing.p50Ms), ms(r.toServing.p99Ms), ms(r.toServing.maxMs), "", "\(r.toServing.count) restarts"])
        }
        out.append(table(rows))
        if !report.targets.isEmpty {
            out.append("")
            var targets = [["target", "goal", "measured", "ratio", "verdict"]]
            for t in report.targets {
                let goal = (t.direction == .atLeast ? "≥ " : "≤ ") + number(t.target) + " " + t.unit
                targets.append([t.figure, goal, number(t.measured) + " " + t.unit, String(format: "%.2f", t.ratio),
                                t.verdict + (t.note.map { " (\($0))" } ?? "")])
            }
            out.append(table(targets))
        }
        return out.joined(separator: "\n")
    }

    /// Columns padded to their widest cell.
    static func table(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    /// Milliseconds with three decimals below 10, one above.
    static func ms(_ value: Double) -> String {
        value < 10 ? String(format: "%.3f", value) : String(format: "%.1f", value)
    }

    /// A rate or ratio: thousands separated, two decimals below 10.
    static func number(_ value: Double) -> String {
        if value < 10 { return String(format: "%.2f", value) }
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        return formatter.string(from: NSNumber(value: value.rounded())) ?? String(Int(value))
    }
}
