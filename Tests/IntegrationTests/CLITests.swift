import BrakeCore
import BrakeFiles
import Foundation
import Testing

/// brakectl's key and charter tools, and a `braked --config` node on the charter they make.
@Suite("brakectl keys and charters, braked --config", .serialized)
struct CLITests {
    @Test("keygen, charter init, sign by every party, verify, and a node serving that charter")
    func charterLifecycle() async throws {
        let dir = BrakedProcess.temporaryDirectory()
        for party in ["lab-a", "lab-b", "gov-a"] {
            let made = try brakectl(["keygen", "--party", party, "--out", "\(dir)/\(party).key"], socket: "")
            #expect(made.status == 0, "keygen: \(made.output)")
            let mode = try FileManager.default.attributesOfItem(atPath: "\(dir)/\(party).key")[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
        // keygen never overwrites a key.
        #expect(try brakectl(["keygen", "--party", "lab-a", "--out", "\(dir)/lab-a.key"], socket: "").status == 66)

        let charterPath = "\(dir)/charter.dsse.json"
        let initialized = try brakectl([
            "charter", "init", "--federation", "it-pact",
            "--party", "lab-a:Lab A:lab:\(dir)/lab-a.key.pub",
            "--party", "lab-b:Lab B:lab:\(dir)/lab-b.key.pub",
            "--party", "gov-a:Gov A:government:\(dir)/gov-a.key.pub",
            "--node", "node-a:lab-a:127.0.0.1:7401",
            "--trigger", "2:any", "--lift", "2:any,1:government", "--amend", "3:any",
            "--out", charterPath,
        ], socket: "")
        #expect(initialized.status == 0, "charter init: \(initialized.output)")

        // Not valid until every founding party has signed.
        #expect(try brakectl(["charter", "verify", charterPath], socket: "").status == 65)
        for party in ["lab-a", "lab-b"] {
            #expect(try brakectl(["charter", "sign", charterPath, "--key", "\(dir)/\(party).key"], socket: "").status == 0)
        }
        #expect(try brakectl(["charter", "verify", charterPath], socket: "").status == 65)
        #expect(try brakectl(["charter", "sign", charterPath, "--key", "\(dir)/gov-a.key"], socket: "").status == 0)
        let verified = try brakectl(["charter", "verify", charterPath, "--json"], socket: "")
        #expect(verified.status == 0, "verify: \(verified.output)")
        #expect(jsonObject(verified.output)["federation"] as? String == "it-pact")

        // An impossible policy is refused at init, naming the problem.
        let impossible = try brakectl([
            "charter", "init", "--federation", "x", "--party", "lab-a:Lab A:lab:\(dir)/lab-a.key.pub",
            "--node", "n:lab-a:127.0.0.1:1", "--trigger", "2:any", "--lift", "1:any", "--amend", "1:any",
            "--out", "\(dir)/bad.json",
        ], socket: "")
        #expect(impossible.status == 65)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/bad.json"))

        // A private key readable by others is refused.
        chmod("\(dir)/lab-b.key", 0o644)
        #expect(try brakectl(["charter", "sign", charterPath, "--key", "\(dir)/lab-b.key"], socket: "").status == 77)
        chmod("\(dir)/lab-b.key", 0o600)

        // braked --config serves it.
        let config = """
            {"dataDir": "data", "charter": "charter.dsse.json", "node": "node-a", "tickMillis": 50}
            """
        _ = FileManager.default.createFile(atPath: "\(dir)/node.json", contents: Data(config.utf8))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BrakedProcess.binDirectory + "/braked")
        process.arguments = ["--config", "\(dir)/node.json", "--log-level", "error"]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let socket = "\(dir)/data/brake.sock"
        var status = ""
        for _ in 0..<200 {
            let reply = try brakectl(["status", "--json"], socket: socket)
            if reply.status == 0, jsonObject(reply.output)["role"] as? String == "leader" { status = reply.output; break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(jsonObject(status)["federation"] as? String == "it-pact")
        let proposed = try brakectl(["propose", "trigger", "training", "--reason", "r", "--key", "\(dir)/gov-a.key", "--json"], socket: socket)
        let id = try #require(jsonObject(proposed.output)["id"] as? String)
        #expect(try brakectl(["sign", id, "--key", "\(dir)/lab-a.key"], socket: socket).status == 0)
        #expect(try brakectl(["check", "training/x"], socket: socket).status == 1)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: socket), "the socket file stays after a clean stop")
    }

    @Test("braked refuses a config whose node is not in the charter, with exit status 78")
    func badConfig() throws {
        let dir = BrakedProcess.temporaryDirectory()
        _ = FileManager.default.createFile(atPath: "\(dir)/node.json", contents: Data(#"{"dataDir": "d", "charter": "missing.json", "node": "x"}"#.utf8))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BrakedProcess.binDirectory + "/braked")
        process.arguments = ["--config", "\(dir)/node.json"]
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
    }
}
