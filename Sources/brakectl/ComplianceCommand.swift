import ArgumentParser
import BrakeCore
import Foundation

/// `brakectl compliance`: per pause in force and party, the last attestation, the next one due,
/// whether it is overdue, and the governments' countersignatures and disputes.
struct ComplianceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compliance",
        abstract: "Show each party's compliance with the pauses in force (or with one pause).",
        discussion: "Overdue is judged by the node's clock (shown as 'as of'); disputes stay listed after later attestations."
    )
    @Option(name: .long, help: "Show this pause, in force or not, instead of every pause in force.") var pause: String?
    @OptionGroup var node: NodeOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        try await runReporting {
            var path = "/v1/compliance"
            if let pause { path += "?pause=\(queryValue(pause))" }
            let reply = try await node.client().get(path)
            if json { printJSON(reply.body); return }
            let answer = reply.object ?? [:]
            let rows = answer["compliance"] as? [[String: Any]] ?? []
            let interval = (answer["attestationIntervalSeconds"] as? Int).map { "\($0) s" } ?? "?"
            print("as of \(answer["asOf"] as? String ?? "?"); labs attest once every \(interval) while a pause holds")
            if rows.isEmpty { print(pause == nil ? "no pause in force" : "no party owes or made attestations for this pause") }
            var pauseIDs: [String] = []
            for row in rows where !pauseIDs.contains(row["pauseID"] as? String ?? "") { pauseIDs.append(row["pauseID"] as? String ?? "") }
            for pauseID in pauseIDs {
                let mine = rows.filter { $0["pauseID"] as? String == pauseID }
                print("")
                print("pause \(pauseID) (\(text(mine.first?["scope"])))")
                var table = [["PARTY", "CLASS", "LAST ATTESTATION", "NEXT DUE", "STATUS", "REVIEWS OF THE LAST"]]
                var notes: [String] = []
                for row in mine {
                    let last = (row["lastAttestation"] as? [String: Any]).map { "\(text($0["period"])) at \(text($0["time"]))" } ?? "none"
                    let status: String
                    if row["overdue"] as? Bool == true {
                        status = "OVERDUE since \(text(row["overdueSince"]))"
                    } else {
                        status = row["expected"] as? Bool == true ? "ok" : "not expected"
                    }
                    let countersigned = (row["countersignedBy"] as? [String] ?? []).map(DisplayText.escaped)
                    let disputed = (row["disputedBy"] as? [String] ?? []).map(DisplayText.escaped)
                    var reviews: [String] = []
                    if !countersigned.isEmpty { reviews.append("countersigned by " + countersigned.joined(separator: ", ")) }
                    if !disputed.isEmpty { reviews.append("DISPUTED by " + disputed.joined(separator: ", ")) }
                    table.append([
                        text(row["party"]), text(row["partyClass"]), last, row["nextDue"].map { text($0) } ?? "-", status,
                        reviews.isEmpty ? "-" : reviews.joined(separator: "; "),
                    ])
                    for dispute in row["disputes"] as? [[String: Any]] ?? [] {
                        notes.append("  \(text(row["party"])): \(text(dispute["reviewer"])) disputed period \(text(dispute["period"])) "
                            + "(attestation \(text(dispute["attestation"]).prefix(12))…, \(text(dispute["time"]))): "
                            + DisplayText.quoted(dispute["reason"] as? String ?? ""))
                    }
                }
                printTable(table)
                if !notes.isEmpty {
                    print("disputes:")
                    notes.forEach { print($0) }
                }
            }
        }
    }

    /// A JSON value as display text, escaped: party ids, periods and reasons are chosen by others.
    private func text(_ value: Any?) -> String {
        switch value {
        case let s as String: DisplayText.escaped(s)
        case let n as Int: String(n)
        case nil: "?"
        default: DisplayText.escaped("\(value!)")
        }
    }

    /// Left-aligned columns two spaces apart, indented by two.
    private func printTable(_ rows: [[String]]) {
        var widths: [Int] = []
        for row in rows {
            for (i, cell) in row.enumerated() {
                if widths.count <= i { widths.append(0) }
                widths[i] = max(widths[i], cell.count)
            }
        }
        for row in rows {
            let cells = row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }
            print("  " + cells.joined(separator: "  "))
        }
    }
}
