import BrakeCore
import Foundation
import Testing

@testable import BrakeStore

/// The charter chain survives a restart through real LMDB: the rows each entry changed, written as the
/// node writes them and read back after reopening, restore the same chain and the same decisions.
@Suite("Charter chain in the store")
struct CharterChainStoreTests {
    static let t0: Millis = 1_795_946_400_000
    static func key(_ n: UInt8) -> SigningKey { try! SigningKey(seed: [UInt8](repeating: n, count: 32)) }

    /// Dev federation (seeds 1-3); entry 1 lets lab-c join with keys 21 and 22, entry 2 is lab-c's
    /// revocation of key 22, entry 3 a motion signed with key 22 (refused: revoked_key).
    static func entries(genesis: Charter) throws -> [[UInt8]] {
        var next = genesis
        next.parties.append(Party(id: "lab-c", name: "Lab C", partyClass: .lab, keys: [key(21).publicKey, key(22).publicKey]))
        let amendment = Amendment(
            federation: genesis.federation, amends: genesis.id, charter: next, proposer: "lab-a", reason: "lab-c joins",
            created: t0, expires: t0 + 3_600_000, nonce: "00000000000000a1")
        let signers = [key(1), key(2), key(3), key(21), key(22)]
        let join = signers.reduce(amendment.unsignedEnvelope()) { $0.signed(with: $1) }
        let revocation = Revocation(
            federation: genesis.federation, party: "lab-c", keys: [key(22).publicKey], reason: "leaked", created: t0, nonce: "00000000000000b2")
        let motion = Motion(
            federation: genesis.federation, kind: .trigger, scope: try Scope("training"), reason: "r", proposer: "lab-c",
            created: t0, expires: t0 + 3_600_000, nonce: "00000000000000c3")
        return [
            LogRecord(time: t0, envelope: join).encoded(),
            LogRecord(time: t0 + 1, envelope: revocation.unsignedEnvelope().signed(with: key(21))).encoded(),
            LogRecord(time: t0 + 2, envelope: motion.unsignedEnvelope().signed(with: key(22)).signed(with: key(1))).encoded(),
        ]
    }

    @Test func aRestartKeepsTheChain() throws {
        let dev = try DevFederation.make(
            seeds: [1, 2, 3].map { [UInt8](repeating: $0, count: 32) }, nodeAddress: "127.0.0.1:7401",
            tlsPin: String(repeating: "ab", count: 32), checkpointKey: Self.key(4).publicKey)
        var registry = Registry(charter: dev.charter)
        try withTemporaryDirectory { dir in
            do {
                let store = try BrakeStore(directory: dir)
                for (offset, data) in try Self.entries(genesis: dev.charter).enumerated() {
                    let result = registry.apply(index: UInt64(offset + 1), data: data)
                    let writes = result.changed.map { RegistryWrite(key: $0.bytes, value: registry.row(for: $0)) }
                    try store.applyCommitted(index: result.index, writes: writes)
                }
                store.close()
            }
            #expect(registry.charterHistory.map(\.index) == [0, 1, 2])
            let store = try BrakeStore(directory: dir)
            let rows = try store.registryRows().map { (key: try RegistryKey(bytes: $0.key), value: $0.value) }
            let restored = try Registry(charter: dev.charter, rows: rows)
            #expect(restored == registry)
            #expect(restored.charterHistory == registry.charterHistory)
            #expect(restored.charter.party(id: "lab-c")?.keys == [Self.key(21).publicKey])
            #expect(restored.isRevoked(keyID: Self.key(22).publicKey.keyID))
            // The restored registry judges the next entry by the chain's last charter.
            var continued = restored
            let again = try Self.entries(genesis: dev.charter)[2]
            guard case .rejected(let error) = continued.apply(index: 4, data: again).outcome else {
                Issue.record("a signature by the revoked key was accepted after the restart")
                return
            }
            #expect(error.code == .revokedKey)
        }
    }
}
