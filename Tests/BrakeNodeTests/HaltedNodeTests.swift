import BrakeCore
import BrakeNode
import BrakeRaft
import BrakeReplica
import BrakeStore
import Foundation
import Logging
import Testing

/// A node whose storage fails stops writing and answers every waiting client at once with
/// `node_halted`; `check` answers `unknown` with the reason, never from a state it could not store.
@Suite("A node whose store fills up")
struct HaltedNodeTests {
    @Test("a full map halts the node: every waiter is answered node_halted and check says unknown")
    func fullMapHalts() async throws {
        let directory = NSTemporaryDirectory() + "brake-halt-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pin = sha256Hex(Array("tls key of node-1".utf8))
        let checkpoint = try SigningKey(seed: Array(repeating: 0x51, count: 32)).publicKey
        let dev = try DevFederation.make(
            seeds: (1...3).map { Array(repeating: UInt8($0 + 40), count: 32) }, nodeAddress: "127.0.0.1:1",
            tlsPin: pin, checkpointKey: checkpoint)
        let keys = Dictionary(uniqueKeysWithValues: dev.keys.map { ($0.party, $0.key) })
        var configuration = NodeConfiguration(dataDirectory: directory, charterPath: "", nodeID: "node-1")
        configuration.submitTimeoutMillis = 5_000
        let store = try BrakeStore(directory: directory, options: StoreOptions(initialMapSize: 64 << 10, maxMapSize: 192 << 10))
        var logger = Logger(label: "halt")
        logger.logLevel = .critical
        let driver = try NodeDriver(configuration: configuration, charter: dev.charter, store: store, logger: logger)
        await driver.start()

        // Waves of concurrent submissions with long reasons until the store refuses a write.
        var answers: [SubmitAnswer] = []
        var wave = 0
        while !answers.contains(where: Self.isHalted), wave < 40 {
            wave += 1
            answers += await withTaskGroup(of: SubmitAnswer.self) { group in
                for n in 0..<8 {
                    let now = Int64(Date().timeIntervalSince1970) * 1000
                    let motion = Motion(
                        federation: dev.charter.federation, kind: .trigger, scope: try! Scope("fill/\(wave)/\(n)"),
                        reason: String(repeating: "r", count: 2_000), proposer: "lab-a", created: now, expires: now + 3_600_000,
                        nonce: String(UUID().uuidString.lowercased().filter(\.isHexDigit).prefix(32)))
                    let envelope = motion.unsignedEnvelope().signed(with: keys["lab-a"]!)
                    group.addTask { await driver.submit(envelope, timeoutMillis: 5_000) }
                }
                var wave: [SubmitAnswer] = []
                for await answer in group { wave.append(answer) }
                return wave
            }
        }
        #expect(answers.contains(where: Self.isHalted), "no submission was halted after \(wave) waves: \(answers.suffix(3))")
        // Every submission was answered (none hangs), and every one after the failure is refused.
        let late = await driver.submit(try Self.motion(dev.charter, key: keys["lab-b"]!, party: "lab-b"), timeoutMillis: 5_000)
        #expect(Self.isHalted(late), "after the failure: \(late)")
        let verdict = await driver.check(try Scope("fill"), maxStalenessMillis: 60_000, consistency: .local, timeoutMillis: 1_000)
        #expect(verdict.verdict == .unknown)
        #expect(verdict.reason?.contains("storage") == true, "reason: \(verdict.reason ?? "none")")
        let read = await driver.check(try Scope("fill"), maxStalenessMillis: 60_000, consistency: .linearizable, timeoutMillis: 1_000)
        #expect(read.verdict == .unknown)
        #expect(await driver.status().halted != nil)
        await driver.shutdown()
    }

    static func isHalted(_ answer: SubmitAnswer) -> Bool {
        if case .refused(.node(let error)) = answer { error.code == .halted } else { false }
    }

    static func motion(_ charter: Charter, key: SigningKey, party: String) throws -> Envelope {
        let now = Int64(Date().timeIntervalSince1970) * 1000
        let motion = Motion(
            federation: charter.federation, kind: .trigger, scope: try Scope("late"), reason: "after",
            proposer: party, created: now, expires: now + 3_600_000, nonce: String(repeating: "5", count: 32))
        return motion.unsignedEnvelope().signed(with: key)
    }
}
