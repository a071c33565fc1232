import BrakeCore
import BrakeNode
import BrakeReplica
import Foundation
import Testing

/// Every config value is checked at start, and a bad one is named in the message.
@Suite("Node configuration files")
struct ConfigurationTests {
    static let base = #""dataDir": "data", "charter": "charter.json", "node": "node-1""#

    func load(_ fields: String) throws(NodeError) -> NodeConfiguration {
        let path = NSTemporaryDirectory() + "brake-config-\(UUID().uuidString.prefix(8)).json"
        _ = FileManager.default.createFile(atPath: path, contents: Data("{\(Self.base)\(fields)}".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try NodeConfiguration.load(path: path)
    }

    @Test("a bad value is refused with its field named", arguments: [
        (#", "snapshotInterval": 0"#, "snapshotInterval: 0"),
        (#", "tickMillis": -5"#, "tickMillis: -5"),
        (#", "submitTimeoutMillis": 0"#, "submitTimeoutMillis: 0"),
        (#", "heartbeatTicks": 5, "electionTicks": 5"#, "electionTicks: 5"),
        (#", "maxBodyBytes": 1000"#, "maxBodyBytes: 1000"),
        (#", "listen": "no-port""#, "listen: no-port"),
        (#", "peers": {"node-2": "127.0.0.1:0"}"#, "peers.node-2: 127.0.0.1:0"),
        (#", "snapshotIntervall": 10"#, "unknown field snapshotIntervall"),
        (#", "publicListen": "8080""#, "publicListen: 8080"),
        (#", "publicMaxEventStreams": 64"#, "publicMaxEventStreams: 64"),
        (#", "publicRequestsPerMinute": 0"#, "publicRequestsPerMinute: 0"),
        (#", "publicTrustedProxies": ["proxy.example"]"#, "publicTrustedProxies: proxy.example"),
    ])
    func refused(fields: String, expected: String) {
        do {
            _ = try load(fields)
            Issue.record("accepted \(fields)")
        } catch {
            #expect(error.code == .config)
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test("a good file loads with its values and resolved paths")
    func accepted() throws {
        let config = try load(#", "tickMillis": 50, "snapshotInterval": 7, "listen": "127.0.0.1:7401", "peers": {"node-2": "[::1]:7402"}"#)
        #expect(config.tickMillis == 50)
        #expect(config.snapshotInterval == 7)
        #expect(config.peerAddresses == ["node-2": "[::1]:7402"])
        #expect(config.dataDirectory.hasPrefix("/"))
        #expect(config.publicListen == nil, "no public listener unless asked for")
    }

    @Test("the public listener's fields load")
    func publicFields() throws {
        let config = try load(
            #", "publicListen": "127.0.0.1:8080", "publicRequestsPerMinute": 120, "publicBurst": 20, "publicTrustedProxies": ["10.0.0.5", "::1"]"#)
        #expect(config.publicListen == "127.0.0.1:8080")
        #expect(config.publicRequestsPerMinute == 120 && config.publicBurst == 20)
        #expect(config.publicTrustedProxies == ["10.0.0.5", "::1"])
    }

    static let joining = #", "join": true, "listen": "127.0.0.1:7409", "identity": "node-9""#

    /// Writes a node entry file (`node.pub.json`) for `id` in a fresh directory and returns its path.
    func entryFile(_ id: String, contents: String? = nil) throws -> String {
        let key = try SigningKey(seed: Array(repeating: UInt8(id.utf8.count), count: 32))
        let entry = NodeInfo(
            id: id, party: "lab-x", address: "127.0.0.1:7499", tlsPin: String(repeating: "ab", count: 32),
            checkpointKey: key.publicKey)
        let path = NSTemporaryDirectory() + "brake-entry-\(UUID().uuidString.prefix(8)).json"
        let bytes = contents.map { Array($0.utf8) } ?? entry.jsonBytes()
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    @Test("a joining node's introducers load from node entry files")
    func introducersLoad() throws {
        let four = try entryFile("node-4")
        let five = try entryFile("node-5")
        defer { for path in [four, five] { try? FileManager.default.removeItem(atPath: path) } }
        let config = try load(Self.joining + #", "introducers": ["\#(four)", "\#(five)"]"#)
        #expect(config.introducers.map(\.id) == ["node-4", "node-5"])
        #expect(config.introducers.first?.tlsPin == String(repeating: "ab", count: 32))
        #expect(config.replicaConfig.introducers == config.introducers, "the core gets them")
    }

    @Test("bad introducers are refused, naming why")
    func introducersRefused() throws {
        let four = try entryFile("node-4")
        let own = try entryFile("node-1")
        let garbage = try entryFile("node-x", contents: #"{"id": "node-7"}"#)
        defer { for path in [four, own, garbage] { try? FileManager.default.removeItem(atPath: path) } }
        let cases: [(String, String)] = [
            (#", "introducers": ["\#(four)"]"#, "only a joining node"),
            (Self.joining + #", "introducers": ["\#(four)", "\#(four)"]"#, "node-4 — listed twice"),
            (Self.joining + #", "introducers": ["\#(own)"]"#, "node-1 — is this node itself"),
            (Self.joining + #", "introducers": ["\#(garbage)"]"#, garbage),
            (Self.joining + #", "introducers": ["/nonexistent/node.pub.json"]"#, "cannot read /nonexistent/node.pub.json"),
        ]
        for (fields, expected) in cases {
            do {
                let config = try load(fields)
                Issue.record("accepted \(fields): introducers \(config.introducers.map(\.id))")
            } catch {
                #expect(error.code == .config)
                #expect(error.message.contains("introducers: "), "\(error.message)")
                #expect(error.message.contains(expected), "\(error.message)")
            }
        }
    }
}
