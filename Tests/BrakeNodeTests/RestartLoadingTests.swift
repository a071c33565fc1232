import BrakeCore
import BrakeNode
import BrakeRaft
import BrakeReplica
import BrakeStore
import Foundation
import Logging
import Testing

/// A node restarted on a real LMDB store whose registry loads in the background answers `check`
/// at once, from the store's check index: `paused` under a pause in force, `clear` elsewhere and
/// for a lifted pause; it refuses submissions with `registry_loading` until the registry is
/// loaded, and then holds exactly the registry a full restore of the same store gives.
@Suite("Restart with the registry loading")
struct RestartLoadingTests {
    @Test("check answers from the check index while the registry loads; the loaded registry is the whole one")
    func checkWhileLoading() async throws {
        let directory = NSTemporaryDirectory() + "brake-restart-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let dev = try Self.federation()
        let keys = Dictionary(uniqueKeysWithValues: dev.keys.map { ($0.party, $0.key) })
        var configuration = NodeConfiguration(dataDirectory: directory, charterPath: "", nodeID: "node-1")
        var logger = Logger(label: "restart")
        logger.logLevel = .critical

        // Before the restart: a pause in force on held/a, one lifted on lifted/z, an open motion on open/x.
        var driver = try NodeDriver(configuration: configuration, charter: dev.charter, store: try BrakeStore(directory: directory), logger: logger)
        await driver.start()
        let held = try Self.motion(dev.charter, kind: .trigger, scope: "held/a", signers: [keys["lab-a"]!, keys["lab-b"]!], parties: ["lab-a", "lab-b"])
        let lifted = try Self.motion(dev.charter, kind: .trigger, scope: "lifted/z", signers: [keys["lab-a"]!, keys["lab-b"]!], parties: ["lab-a", "lab-b"])
        let open = try Self.motion(dev.charter, kind: .trigger, scope: "open/x", signers: [keys["lab-a"]!], parties: ["lab-a"])
        for envelope in [held, lifted, open] {
            let answer = await driver.submit(envelope, timeoutMillis: 5_000)
            #expect(Self.applied(answer), "submission before the restart: \(answer)")
        }
        let pauseID = motionID(payload: lifted.payload)
        let lift = try Self.motion(
            dev.charter, kind: .lift, scope: "lifted/z", pause: pauseID,
            signers: [keys["lab-a"]!, keys["lab-b"]!, keys["gov-a"]!], parties: ["lab-a", "lab-b", "gov-a"])
        let liftAnswer = await driver.submit(lift, timeoutMillis: 5_000)
        #expect(Self.applied(liftAnswer), "lift: \(liftAnswer)")
        let before = await driver.currentRegistry()
        #expect(before.pauses.count == 2 && before.checkTable.pauses.count == 1)
        await driver.shutdown()

        // The restart: every non-empty registry loads in the background, and the load is held.
        configuration.backgroundLoadRows = 0
        driver = try NodeDriver(configuration: configuration, charter: dev.charter, store: try BrakeStore(directory: directory), logger: logger)
        await driver.start(loadRegistry: false)
        #expect(driver.published.current.registryLoading)
        #expect(driver.publishedStatus().registryLoading)
        #expect(await driver.loadedRegistry() == nil)
        #expect(driver.checkLocal(try Scope("held/a/b"), maxStalenessMillis: 60_000).verdict == .paused)
        #expect(driver.checkLocal(try Scope("held/a"), maxStalenessMillis: 60_000).pauses.map(\.id) == [motionID(payload: held.payload)])
        #expect(driver.checkLocal(try Scope("lifted/z"), maxStalenessMillis: 60_000).verdict == .clear)
        #expect(driver.checkLocal(try Scope("open/x"), maxStalenessMillis: 60_000).verdict == .clear)
        #expect(driver.checkLocal(try Scope("held"), maxStalenessMillis: 60_000).verdict == .clear)
        let refused = await driver.submit(try Self.motion(dev.charter, kind: .trigger, scope: "late/q", signers: [keys["lab-a"]!], parties: ["lab-a"]), timeoutMillis: 2_000)
        #expect(Self.refusedCode(refused) == "registry_loading", "while loading: \(refused)")

        // The load: the registry is the one before the restart, plus the no-ops of the new term.
        await driver.loadRegistryInBackground()
        let deadline = ContinuousClock.now + .seconds(30)
        while driver.published.current.registryLoading, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(!driver.published.current.registryLoading, "the registry did not load within 30 s")
        let loaded = try #require(await driver.loadedRegistry())
        var expected = before
        var index = before.appliedIndex
        while index < loaded.appliedIndex {
            index += 1
            _ = expected.apply(index: index, data: [])
        }
        #expect(loaded.appliedIndex > before.appliedIndex, "the new term's no-op was applied after the load")
        #expect(loaded.digestHex() == expected.digestHex())
        #expect(loaded == expected)
        #expect(await driver.status().registryDigest == expected.digestHex())
        #expect(driver.checkLocal(try Scope("held/a/b"), maxStalenessMillis: 60_000).verdict == .paused)
        #expect(driver.checkLocal(try Scope("lifted/z"), maxStalenessMillis: 60_000).verdict == .clear)
        let later = await driver.submit(try Self.motion(dev.charter, kind: .trigger, scope: "late/q", signers: [keys["lab-a"]!], parties: ["lab-a"]), timeoutMillis: 5_000)
        #expect(Self.applied(later), "after the load: \(later)")
        await driver.shutdown()

        // A full restore of the same store gives the same registry.
        let store = try BrakeStore(directory: directory)
        defer { store.close() }
        let rows = try store.registryRows().map { (key: try RegistryKey(bytes: $0.key), value: $0.value) }
        let full = try Registry(charter: dev.charter, rows: rows)
        #expect(full.checkTable.pauses.map(\.id) == [motionID(payload: held.payload)])
        #expect(full.pauses.count == 2 && full.motions.count == 5)
    }

    static func federation() throws -> (charter: Charter, envelope: Envelope, keys: [(party: String, key: SigningKey)]) {
        let pin = sha256Hex(Array("tls key of node-1".utf8))
        let checkpoint = try SigningKey(seed: Array(repeating: 0x61, count: 32)).publicKey
        return try DevFederation.make(
            seeds: (1...3).map { Array(repeating: UInt8($0 + 60), count: 32) }, nodeAddress: "127.0.0.1:1",
            tlsPin: pin, checkpointKey: checkpoint)
    }

    static func motion(
        _ charter: Charter, kind: MotionKind, scope: String, pause: String? = nil, signers: [SigningKey], parties: [String]
    ) throws -> Envelope {
        let now = Int64(Date().timeIntervalSince1970) * 1000
        let motion = Motion(
            federation: charter.federation, kind: kind, scope: try Scope(scope), reason: "restart test", pause: pause,
            proposer: parties[0], created: now, expires: now + 3_600_000,
            nonce: String(UUID().uuidString.lowercased().filter(\.isHexDigit).prefix(32)))
        var envelope = motion.unsignedEnvelope()
        for key in signers { envelope = envelope.signed(with: key) }
        return envelope
    }

    static func applied(_ answer: SubmitAnswer) -> Bool {
        if case .applied(.accepted, _) = answer { true } else { false }
    }

    static func refusedCode(_ answer: SubmitAnswer) -> String? {
        if case .refused(.node(let error)) = answer { error.code.rawValue } else { nil }
    }
}
