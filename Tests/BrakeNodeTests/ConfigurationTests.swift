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
}
