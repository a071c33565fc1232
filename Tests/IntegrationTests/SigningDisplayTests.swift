import BrakeCore
import Foundation
import Testing

/// What a person sees before signing, and what `check` sends: against a real `braked --dev`.
@Suite("What brakectl shows and sends")
struct SigningDisplayTests {
    @Test("sign shows the motion's decoded fields, with controls and bidirectional overrides escaped")
    func signShowsEscapedFields() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        // A reason that, shown raw, would clear the screen and display reversed text.
        let reason = "routine\u{1B}[2J\u{202E}tfil\u{2066}x\u{2069} \"quoted\" back\\slash"
        let proposed = try brakectl(["propose", "trigger", "eval", "--reason", reason, "--key", node.keyPath("lab-a"), "--json"], socket: node.socketPath)
        #expect(proposed.status == 0, "propose: \(proposed.output)")
        let id = try #require(jsonObject(proposed.output)["id"] as? String)

        let signed = try brakectl(["sign", id, "--key", node.keyPath("lab-b")], socket: node.socketPath)
        #expect(signed.status == 0, "sign: \(signed.output)")
        let lines = signed.output.split(separator: "\n").map(String.init)
        for label in ["federation", "kind", "scope", "reason", "proposer", "created", "expires", "pause"] {
            #expect(lines.contains { $0.hasPrefix("  \(label):") }, "no \(label) line in \(signed.output)")
        }
        #expect(lines.contains("  kind:       trigger"))
        #expect(lines.contains("  scope:      eval"))
        #expect(lines.contains("  proposer:   lab-a"))
        #expect(lines.contains(#"  reason:     "routine\u{1B}[2J\u{202E}tfil\u{2066}x\u{2069} \"quoted\" back\\slash""#))
        for raw in ["\u{1B}", "\u{202E}", "\u{2066}", "\u{2069}"] {
            #expect(!signed.output.unicodeScalars.contains(raw.unicodeScalars.first!), "a raw \(raw.unicodeScalars.first!.value) reached the terminal")
        }
        // Not the raw payload.
        #expect(!signed.output.contains("\"nonce\""))

        // A malformed id never reaches the URL.
        #expect(try brakectl(["sign", "../charter", "--key", node.keyPath("lab-b")], socket: node.socketPath).status == 64)
    }

    @Test("check sends the scope as one query value")
    func checkEncodesTheScope() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }
        let proposed = try brakectl(["propose", "trigger", "eval", "--reason", "r", "--key", node.keyPath("lab-a"), "--json"], socket: node.socketPath)
        let id = try #require(jsonObject(proposed.output)["id"] as? String)
        #expect(try brakectl(["sign", id, "--key", node.keyPath("lab-b")], socket: node.socketPath).status == 0)
        #expect(try brakectl(["check", "eval/frontier"], socket: node.socketPath).status == 1)
        // Sent raw, `&` would end the scope at "eval" (paused, exit 1) and `+` would read as a space.
        // Encoded, the node sees the whole text and refuses it as a scope.
        for scope in ["eval&consistency=local", "eval&scope=clear", "eval+x", "eval#x", "eval x"] {
            let reply = try brakectl(["check", scope], socket: node.socketPath)
            #expect(reply.status >= 64, "check \(scope) exited \(reply.status)")
        }
    }
}
