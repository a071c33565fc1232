import Foundation

/// A federation report as a fixed-width table for people (and for test failures to print).
public enum ReportTable {
    /// One line per node: process, role, term, leader, commit and applied index, freshness, verdict.
    public static func render(_ report: FederationReport) -> String {
        var rows = [["node", "party", "process", "role", "term", "leader", "commit", "applied", "fresh", report.scope.map { "verdict(\($0))" } ?? "verdict"]]
        for node in report.nodes {
            let s = node.status
            rows.append([
                "\(node.number) \(node.id)", node.party, node.process + (node.pid.map { " \($0)" } ?? ""),
                s?.role ?? (node.error.map { "(\($0))" } ?? "-"), s?.term.map(String.init) ?? "-", s?.leader ?? "-",
                s?.commitIndex.map(String.init) ?? "-", s?.appliedIndex.map(String.init) ?? "-",
                s?.fresh.map { $0 ? "yes" : "no" } ?? "-", node.verdict ?? "-",
            ])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        lines.append("cut links: " + (report.cutLinks.isEmpty ? "none" : report.cutLinks.joined(separator: " ")))
        return lines.joined(separator: "\n")
    }
}
