import BrakeCore
import Foundation
import Testing

/// The README walkthrough, against a real `braked --dev` over its real Unix socket, through `brakectl`.
@Suite("Walkthrough on the dev federation", .serialized)
struct WalkthroughTests {
    @Test("trigger, co-sign, check paused, lift, check clear")
    func walkthrough() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        let socket = node.socketPath

        #expect(try brakectl(["check", "training/frontier"], socket: socket).status == 0)
        // The answer names its federation; a check that expects another one refuses it.
        let named = jsonObject(try brakectl(["check", "training", "--json"], socket: socket).output)
        let federation = try #require(named["federation"] as? String)
        #expect((named["charter"] as? String)?.count == 64)
        #expect(try brakectl(["check", "training", "--federation", federation], socket: socket).status == 0)
        let misdirected = try brakectl(["check", "training", "--federation", "another-pact"], socket: socket)
        #expect(misdirected.status >= 64, "exit \(misdirected.status): \(misdirected.output)")
        #expect(!misdirected.output.contains("clear"))

        let proposed = try brakectl(
            ["propose", "trigger", "training", "--reason", "eval threshold crossed", "--key", node.keyPath("lab-a"), "--json"],
            socket: socket
        )
        #expect(proposed.status == 0, "propose failed: \(proposed.output)")
        let motion = try #require(jsonObject(proposed.output)["id"] as? String)
        #expect(jsonObject(proposed.output)["state"] as? String == "open")

        // One party alone does not pause anything.
        #expect(try brakectl(["check", "training/frontier"], socket: socket).status == 0)

        let signed = try brakectl(["sign", motion, "--key", node.keyPath("lab-b"), "--json"], socket: socket)
        #expect(signed.status == 0, "sign failed: \(signed.output)")
        #expect(jsonObject(signed.output)["state"] as? String == "passed")

        let paused = try brakectl(["check", "training/frontier"], socket: socket)
        #expect(paused.status == 1, "expected paused, got \(paused)")
        #expect(paused.output.contains("paused"))
        #expect(try brakectl(["check", "inference"], socket: socket).status == 0)

        // A second signature by the same party is refused and changes nothing.
        let again = try brakectl(["sign", motion, "--key", node.keyPath("lab-b")], socket: socket)
        #expect(again.status == 65)

        let lift = try brakectl(
            ["propose", "lift", motion, "--reason", "evals reviewed", "--key", node.keyPath("lab-a"), "--json"],
            socket: socket
        )
        #expect(lift.status == 0, "lift propose failed: \(lift.output)")
        let liftID = try #require(jsonObject(lift.output)["id"] as? String)
        // Two labs are not enough to lift: the dev policy needs a government.
        let labOnly = try brakectl(["sign", liftID, "--key", node.keyPath("lab-b"), "--json"], socket: socket)
        #expect(jsonObject(labOnly.output)["state"] as? String == "open")
        #expect(try brakectl(["check", "training/frontier"], socket: socket).status == 1)

        let gov = try brakectl(["sign", liftID, "--key", node.keyPath("gov-a"), "--json"], socket: socket)
        #expect(jsonObject(gov.output)["state"] as? String == "passed")
        #expect(try brakectl(["check", "training/frontier"], socket: socket).status == 0)

        let pauses = try brakectl(["pauses", "--json"], socket: socket)
        let list = try #require(jsonObject(pauses.output)["pauses"] as? [[String: Any]])
        #expect(list.count == 1)
        #expect(list.first?["inForce"] as? Bool == false)

        #expect(node.terminate() == 0, "braked did not stop cleanly on SIGTERM")
    }

    @Test("check exits 64 and up when the node cannot be reached")
    func unreachable() throws {
        let result = try brakectl(["check", "training"], socket: "/nonexistent/brake.sock")
        #expect(result.status >= 64)
    }
}

func jsonObject(_ text: String) -> [String: Any] {
    ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]) ?? [:]
}
