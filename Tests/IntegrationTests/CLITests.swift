import BrakeCore
import BrakeFiles
import Foundation
import Testing

/// brakectl's key, node identity and charter tools, and a `braked --config` node on the charter they make.
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

        let node = try brakectl([
            "node", "init", "--dir", "\(dir)/node-a", "--id", "node-a", "--party", "lab-a", "--address", "127.0.0.1:7401",
        ], socket: "")
        #expect(node.status == 0, "node init: \(node.output)")

        let charterPath = "\(dir)/charter.dsse.json"
        let initialized = try brakectl([
            "charter", "init", "--federation", "it-pact",
            "--party", "lab-a:Lab A:lab:\(dir)/lab-a.key.pub",
            "--party", "lab-b:Lab B:lab:\(dir)/lab-b.key.pub",
            "--party", "gov-a:Gov A:government:\(dir)/gov-a.key.pub",
            "--node-file", "\(dir)/node-a/node.pub.json",
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
        // The charter pins the node's TLS key and checkpoint key, as node init made them.
        let identity = try NodeIdentity.load(directory: "\(dir)/node-a")
        let charter = try Charter.verify(Envelope(json: FileBytes.read(charterPath)))
        #expect(charter.nodes == [identity.entry])
        #expect(try brakectl(["charter", "verify", charterPath], socket: "").output.contains(identity.tlsPin))

        // An impossible policy is refused at init, naming the problem.
        let impossible = try brakectl([
            "charter", "init", "--federation", "x", "--party", "lab-a:Lab A:lab:\(dir)/lab-a.key.pub",
            "--node-file", "\(dir)/node-a/node.pub.json", "--trigger", "2:any", "--lift", "1:any", "--amend", "1:any",
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

    @Test("node init writes an identity once, prints its entry, and charter init takes only node files")
    func nodeInit() throws {
        let dir = BrakedProcess.temporaryDirectory()
        let made = try brakectl([
            "node", "init", "--dir", "\(dir)/n1", "--id", "node-1", "--party", "lab-a", "--address", "10.0.0.1:7401", "--json",
        ], socket: "")
        #expect(made.status == 0, "node init: \(made.output)")
        let entry = jsonObject(made.output)
        #expect(entry["id"] as? String == "node-1")
        #expect(entry["party"] as? String == "lab-a")
        #expect(entry["address"] as? String == "10.0.0.1:7401")
        let identity = try NodeIdentity.load(directory: "\(dir)/n1")
        #expect(entry["tlsPin"] as? String == identity.tlsPin)
        #expect(entry["checkpointKey"] as? String == identity.entry.checkpointKey.base64)
        for (file, mode) in [("n1", 0o700), ("n1/tls.key", 0o600), ("n1/checkpoint.key", 0o600)] {
            let actual = try FileManager.default.attributesOfItem(atPath: "\(dir)/\(file)")[.posixPermissions] as? Int
            #expect(actual == mode, "\(file)")
        }

        // The text form names the pins.
        let text = try brakectl(["node", "init", "--dir", "\(dir)/n2", "--id", "node-2", "--party", "lab-b", "--address", "[::1]:7402"], socket: "")
        #expect(text.status == 0)
        let pin2 = try NodeIdentity.load(directory: "\(dir)/n2").tlsPin
        #expect(text.output.contains("tls pin:        \(pin2)"))

        // Never over an existing identity (66); an address without a port is a usage error (64).
        let again = try brakectl(["node", "init", "--dir", "\(dir)/n1", "--id", "node-1", "--party", "lab-a", "--address", "10.0.0.1:7401"], socket: "")
        #expect(again.status == 66)
        #expect(try NodeIdentity.load(directory: "\(dir)/n1").tlsPin == identity.tlsPin)
        let portless = try brakectl(["node", "init", "--dir", "\(dir)/n3", "--id", "node-3", "--party", "lab-a", "--address", "10.0.0.3"], socket: "")
        #expect(portless.status == 64)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/n3"))

        // The old --node form cannot carry pins: a usage error that writes nothing.
        _ = try brakectl(["keygen", "--party", "lab-a", "--out", "\(dir)/lab-a.key"], socket: "")
        let old = try brakectl([
            "charter", "init", "--federation", "x", "--party", "lab-a:Lab A:lab:\(dir)/lab-a.key.pub",
            "--node", "node-1:lab-a:10.0.0.1:7401", "--trigger", "1:any", "--lift", "1:any", "--amend", "1:any",
            "--out", "\(dir)/old.json",
        ], socket: "")
        #expect(old.status == 64)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/old.json"))

        // Two node files with one pin (the same node twice under two ids) are refused by validation.
        var twin = identity.entry
        twin.id = "node-9"
        #expect(FileManager.default.createFile(atPath: "\(dir)/twin.json", contents: Data(twin.jsonBytes())))
        let duplicated = try brakectl([
            "charter", "init", "--federation", "x", "--party", "lab-a:Lab A:lab:\(dir)/lab-a.key.pub",
            "--node-file", "\(dir)/n1/node.pub.json", "--node-file", "\(dir)/twin.json",
            "--trigger", "1:any", "--lift", "1:any", "--amend", "1:any", "--out", "\(dir)/twin-charter.json",
        ], socket: "")
        #expect(duplicated.status == 65)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/twin-charter.json"))
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
