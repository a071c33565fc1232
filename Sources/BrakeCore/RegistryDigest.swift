import Crypto

/// The registry's digest, kept up to date row by row, so that reading it costs the same however
/// many records the registry holds.
///
/// Each row contributes SHA-256(`u32be(key length) ‖ key ‖ value`), read as four little-endian
/// 64-bit lanes; the digest is the lane-wise sum (mod 2⁶⁴) of every row's contribution, with the
/// number of rows, hashed once more: SHA-256(`"brake-registry-rows-v1" ‖ lanes ‖ u64be(rows)`). A sum
/// does not depend on the order rows were written in, so a node that applied the entries one by one,
/// one that restored the rows from its store and one that installed a snapshot agree whenever their
/// rows agree, and changing a row subtracts its old contribution and adds the new one.
///
/// It is a checksum for comparing registries (two nodes, or a node and an offline replay), not a
/// commitment a party signs: the Merkle log's cosigned checkpoints are that (Specs/log.md).
struct RegistryDigest: Sendable {
    /// Each row's contribution, by key.
    private var contributions: [RegistryKey: SIMD4<UInt64>] = [:]
    /// The lane-wise sum of the contributions.
    private var sum = SIMD4<UInt64>(repeating: 0)

    /// No rows.
    init() {}

    /// Sets the row of `key` to `value`, or removes it when `value` is nil.
    mutating func set(_ key: RegistryKey, _ value: [UInt8]?) {
        if let old = contributions.removeValue(forKey: key) { sum &-= old }
        guard let value else { return }
        let new = Self.contribution(key: key.bytes, value: value)
        sum &+= new
        contributions[key] = new
    }

    /// The digest as lowercase hex.
    var hex: String {
        var bytes = Array("brake-registry-rows-v1".utf8)
        for lane in 0..<4 { withUnsafeBytes(of: sum[lane].littleEndian) { bytes += $0 } }
        withUnsafeBytes(of: UInt64(contributions.count).bigEndian) { bytes += $0 }
        return Bytes.sha256Hex(bytes)
    }

    /// One row's contribution: its SHA-256 as four little-endian lanes.
    static func contribution(key: [UInt8], value: [UInt8]) -> SIMD4<UInt64> {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt32(key.count).bigEndian) { hasher.update(bufferPointer: $0) }
        hasher.update(data: key)
        hasher.update(data: value)
        return hasher.finalize().withUnsafeBytes { raw in
            SIMD4((0..<4).map { lane in UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: lane * 8, as: UInt64.self)) })
        }
    }
}
