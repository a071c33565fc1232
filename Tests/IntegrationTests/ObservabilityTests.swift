import Foundation
import Testing

/// The metrics path of Deploy/observability against real nodes: the textfile exporter, and the dashboard and
/// alert rules naming only metrics that nodes export (or that the guide lists as coming in later issues).
@Suite("Metrics reach Prometheus and the dashboard shows what nodes export", .serialized)
struct ObservabilityTests {
    /// Metrics that alerts and the dashboard name before any node exports them: later issues add them
    /// (Deploy/OPERATORS.md, "Metrics").
    static let announced: Set<String> = ["brake_attestations_overdue"]

    /// The metric names in Prometheus text.
    static func metricNames(_ text: String) -> Set<String> {
        Set(text.split(separator: "\n").compactMap { line -> String? in
            guard !line.hasPrefix("#"), let end = line.firstIndex(where: { $0 == "{" || $0 == " " }) else { return nil }
            return String(line[..<end])
        })
    }

    /// The `brake_…` names an expression or a file mentions.
    static func brakeNames(_ text: String) -> Set<String> {
        let regex = /brake_[a-z_]+[a-z]/
        return Set(text.matches(of: regex).map { String($0.output) })
    }

    /// Runs brake-metrics-textfile against `socket` into a fresh directory; the file it wrote.
    static func collect(socket: String) throws -> String {
        let directory = try DeployKit.temporaryDirectory("brake-textfile")
        let run = try DeployKit.run(DeployKit.path("Deploy/observability/brake-metrics-textfile"), [directory], environment: ["BRAKE_SOCKET": socket])
        #expect(run.status == 0, "\(run)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0 != "brake.prom" }
        #expect(leftovers.isEmpty, "temporary files left behind: \(leftovers)")
        return try String(contentsOfFile: directory + "/brake.prom", encoding: .utf8)
    }

    @Test("the textfile exporter copies a live node's metrics with brake_up 1, and says brake_up 0 for a dead socket")
    func textfileExporter() async throws {
        _ = try DeployKit.tool("curl")
        let promtool = try DeployKit.tool("promtool")
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        let live = try Self.collect(socket: node.socketPath)
        let names = Self.metricNames(live)
        #expect(live.contains("\nbrake_up 1\n"), "\(live)")
        for name in ["brake_raft_term", "brake_applied_index", "brake_node_fresh", "brake_node_halted", "brake_pauses_in_force"] {
            #expect(names.contains(name), "\(name) missing from \(names.sorted())")
        }
        #expect(live.contains("\nbrake_node_fresh 1") && live.contains("\nbrake_node_halted 0"), "\(live)")
        // The file is valid Prometheus text (promtool parses it; its lint findings are not failures).
        let parsed = try DeployKit.run("/bin/sh", ["-c", "\"$0\" check metrics < \"$1\"", promtool, try Self.write(live)])
        #expect(!parsed.errors.contains("error while linting") && !parsed.output.contains("error while linting"), "\(parsed)")

        let dead = try Self.collect(socket: NSTemporaryDirectory() + "brake-nothing-\(UUID().uuidString.prefix(8)).sock")
        #expect(Self.metricNames(dead) == ["brake_up"], "\(dead)")
        #expect(dead.contains("\nbrake_up 0\n"), "\(dead)")
    }

    @Test("the dashboard shows every metric nodes export, and it and the alerts name no metric nodes do not export")
    func namesMatchExports() async throws {
        let single = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = single.terminate() }
        let peered = try await DeployKit.loneNodeOfThree()  // runs the peer transport, so it exports peer metrics
        defer { peered.stop() }
        // Labelled counters appear with their first count: one check and one refused declaration each.
        _ = try await single.get("/v1/check?scope=training")
        let refused = try await single.post("/v1/declarations", body: Array("{not json".utf8))
        #expect(refused.status == 400)
        var exported: Set<String> = ["brake_up"]
        for socket in [single.socketPath, peered.socket] {
            let reply = try await apiGet(socket: socket, "/metrics")
            #expect(reply.status == 200)
            exported.formUnion(Self.metricNames(String(decoding: reply.body, as: UTF8.self)).filter { $0.hasPrefix("brake_") })
        }
        #expect(exported.contains("brake_peer_connections_out"), "no peer metrics in \(exported.sorted())")

        let dashboard = try String(contentsOfFile: DeployKit.path("Deploy/observability/brake-dashboard.json"), encoding: .utf8)
        let object = try JSONSerialization.jsonObject(with: Data(dashboard.utf8)) as? [String: Any] ?? [:]
        let expressions = (object["panels"] as? [[String: Any]] ?? []).flatMap { panel in
            (panel["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String }
        }
        let shown = Self.brakeNames(expressions.joined(separator: "\n"))
        #expect(exported.subtracting(shown).isEmpty, "exported but not on the dashboard: \(exported.subtracting(shown).sorted())")
        #expect(shown.subtracting(exported).subtracting(Self.announced).isEmpty,
                "on the dashboard but exported by no node: \(shown.subtracting(exported).subtracting(Self.announced).sorted())")

        let rules = try String(contentsOfFile: DeployKit.path("Deploy/observability/brake-alerts.yaml"), encoding: .utf8)
        // Every brake_ name in the file: expressions span lines, and no annotation names a metric.
        let alerted = Self.brakeNames(rules)
        #expect(alerted.subtracting(exported).subtracting(Self.announced).isEmpty,
                "alert rules on metrics no node exports: \(alerted.subtracting(exported).subtracting(Self.announced).sorted())")
        #expect(Self.announced.isSubset(of: alerted), "an announced metric has no alert")
        // The guide says which metrics are announced but not exported yet.
        let guide = try String(contentsOfFile: DeployKit.path("Deploy/OPERATORS.md"), encoding: .utf8)
        for name in Self.announced { #expect(guide.contains(name), "OPERATORS.md does not mention \(name)") }
    }

    static func write(_ text: String) throws -> String {
        let path = try DeployKit.temporaryDirectory("brake-prom") + "/metrics.prom"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
