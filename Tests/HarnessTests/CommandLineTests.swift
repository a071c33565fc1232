import BrakeHarness
import Foundation
import Testing

/// The `brake-harness` executable end to end: `up` starts a detached supervisor, the fault and
/// status commands reach it, `down --remove` stops every process and deletes the directory.
@Suite(.enabled(if: MultiNode.isAvailable, "needs multi-node braked (brakectl node init)"))
struct CommandLineTests {
    @Test(.timeLimit(.minutes(2)))
    func upFaultsStatusDown() async throws {
        let directory = "/tmp/bh-cli-" + UUID().uuidString.prefix(6).lowercased()
        do {
            let up = try await ToolRunner.run("brake-harness", ["up", "--nodes", "3", "--dir", directory, "--json"])
            #expect(up.status == 0, "\(up.output)")
            let layout = try FederationLayout.load(directory: directory)
            #expect(layout.nodes.map(\.id) == ["node-1", "node-2", "node-3"])
            #expect(layout.links.count == 6)
            let printed = try JSONSerialization.jsonObject(with: Data(up.output.utf8)) as? [String: Any]
            #expect(printed?["leader"] is String, "no leader in: \(up.output.prefix(2_000))")

            let isolate = try await ToolRunner.run("brake-harness", ["isolate", "2", "--dir", directory, "--json"])
            #expect(isolate.status == 0, "\(isolate.output)")
            let status = try await ToolRunner.run("brake-harness", ["status", "--scope", "training", "--dir", directory, "--json"])
            let report = try JSONDecoder().decode(FederationReport.self, from: Data(status.output.utf8))
            #expect(report.cutLinks == ["1>2", "2>1", "2>3", "3>2"])
            #expect(report.nodes.count == 3)

            let bad = try await ToolRunner.run("brake-harness", ["kill", "9", "--dir", directory])
            #expect(bad.status == 64, "\(bad.output)")

            let down = try await ToolRunner.run("brake-harness", ["down", "--remove", "--dir", directory])
            #expect(down.status == 0, "\(down.output)")
            #expect(!FileManager.default.fileExists(atPath: directory))
        } catch {
            Self.forceDown(directory)
            throw error
        }
        Self.forceDown(directory)
    }

    /// Last resort after a failure: SIGTERM the supervisor (it stops its nodes), then SIGKILL it.
    static func forceDown(_ directory: String) {
        guard let text = try? String(contentsOfFile: directory + "/supervisor.pid", encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while kill(pid, 0) == 0, Date() < deadline { usleep(50_000) }
        kill(pid, SIGKILL)
    }
}
