@testable import BrakeCore
import Testing

/// The registry digest is kept row by row as entries apply; it must equal the digest of the same
/// rows gathered afresh (in any order, from rows or from a snapshot), and move with any row.
@Suite("Registry digest")
struct RegistryDigestTests {
    /// The digest computed from scratch over `rows`, in the order given.
    static func fresh(_ rows: [(key: RegistryKey, value: [UInt8])]) -> String {
        var digest = RegistryDigest()
        for (key, value) in rows { digest.set(key, value) }
        return digest.hex
    }

    @Test func keptDigestEqualsOneOverTheRowsAfterEveryEntry() throws {
        var h = Harness()
        var seen = Set<String>()
        for n in 0..<40 {
            let proposer = n % 2 == 0 ? "lab-a" : "lab-b"
            let motion = h.motion(.trigger, "training/s\(n % 7)", proposer: proposer, created: t0 + Millis(n) * 1_000)
            h.submit(sign(motion, proposer), at: t0 + Millis(n) * 1_000)
            if n % 5 == 0 { h.noop() }
            let rows = h.registry.rows
            #expect(h.registry.digestHex() == Self.fresh(rows), "entry \(h.index)")
            #expect(h.registry.digestHex() == Self.fresh(rows.reversed()), "entry \(h.index)")
            seen.insert(h.registry.digestHex())
        }
        // Every entry changes the meta row at least, so every digest differs.
        #expect(seen.count == 40)
        let fromRows = try Registry(charter: dev.charter, rows: h.registry.rows.shuffled())
        let fromSnapshot = try Registry(charter: dev.charter, snapshot: h.registry.snapshot())
        #expect(fromRows.digestHex() == h.registry.digestHex())
        #expect(fromSnapshot.digestHex() == h.registry.digestHex())
    }

    @Test func anyRowChangesTheDigest() throws {
        var h = Harness()
        for n in 0..<6 { h.submit(sign(h.motion(.trigger, "s\(n)"), "lab-a")) }
        let rows = h.registry.rows
        let digest = Self.fresh(rows)
        for i in rows.indices {
            var flipped = rows
            flipped[i].value[flipped[i].value.count / 2] ^= 0x01
            #expect(Self.fresh(flipped) != digest, "row \(rows[i].key)")
            var dropped = rows
            dropped.remove(at: i)
            #expect(Self.fresh(dropped) != digest, "row \(rows[i].key)")
        }
        // A row set back to its old bytes gives the old digest: removal subtracts exactly.
        var digestValue = RegistryDigest()
        for (key, value) in rows { digestValue.set(key, value) }
        digestValue.set(rows[0].key, [1, 2, 3])
        #expect(digestValue.hex != digest)
        digestValue.set(rows[0].key, rows[0].value)
        #expect(digestValue.hex == digest)
    }
}
