import BrakeLog

/// RFC 9162's definitions written as literally as possible over a list of leaf hashes: `MTH` (2.1.1),
/// `PATH` (2.1.3.1) and `PROOF`/`SUBPROOF` (2.1.4.1), recursing on slices of the leaves, with no stored
/// nodes, no frontier and no shortcut. The tests hold `MerkleTree` to it. `MTH` results are memoized by
/// range, which changes no answer and keeps the every-pair tests fast.
final class ReferenceTree {
    let leaves: [MerkleHash]
    private var memo: [Range<Int>: MerkleHash] = [:]

    init(leaves: [MerkleHash]) {
        self.leaves = leaves
    }

    /// `k`: the largest power of two smaller than `n`, for `n > 1`.
    static func split(_ n: Int) -> Int {
        var k = 1
        while k * 2 < n { k *= 2 }
        return k
    }

    /// `MTH(D[a:b])`.
    func mth(_ range: Range<Int>) -> MerkleHash {
        if range.isEmpty { return .emptyTree }
        if range.count == 1 { return leaves[range.lowerBound] }
        if let known = memo[range] { return known }
        let k = Self.split(range.count)
        let hash = MerkleHash.node(
            mth(range.lowerBound..<range.lowerBound + k), mth(range.lowerBound + k..<range.upperBound))
        memo[range] = hash
        return hash
    }

    /// `PATH(m, D[a:b])`, `m` relative to `a`.
    func path(_ m: Int, _ range: Range<Int>) -> [MerkleHash] {
        let n = range.count
        if n == 1 { return [] }
        let k = Self.split(n)
        let a = range.lowerBound
        if m < k {
            return path(m, a..<a + k) + [mth(a + k..<range.upperBound)]
        }
        return path(m - k, a + k..<range.upperBound) + [mth(a..<a + k)]
    }

    /// `PROOF(m, D[n])`.
    func proof(_ m: Int, _ n: Int) -> [MerkleHash] {
        subproof(m, 0..<n, true)
    }

    /// `SUBPROOF(m, D[a:b], b)`, `m` relative to `a`.
    func subproof(_ m: Int, _ range: Range<Int>, _ b: Bool) -> [MerkleHash] {
        let n = range.count
        let a = range.lowerBound
        if m == n { return b ? [] : [mth(range)] }
        let k = Self.split(n)
        if m <= k {
            return subproof(m, a..<a + k, b) + [mth(a + k..<range.upperBound)]
        }
        return subproof(m - k, a + k..<range.upperBound, false) + [mth(a..<a + k)]
    }
}

/// Distinct leaf bytes for position `i`: its index in decimal, so every test tree has different leaves.
func leafBytes(_ i: Int) -> [UInt8] { Array("leaf \(i)".utf8) }

/// `hash` with one bit flipped.
func flipped(_ hash: MerkleHash, bit: Int) -> MerkleHash {
    var bytes = hash.bytes
    bytes[(bit / 8) % bytes.count] ^= UInt8(1 << (bit % 8))
    return MerkleHash(bytes: bytes)!
}

/// The `LogError` a verification throws, or nil when it passes.
func logError(_ body: () throws(LogError) -> Void) -> LogError? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

/// Lowercase hex of bytes.
func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { String($0 >> 4, radix: 16) + String($0 & 0xf, radix: 16) }.joined()
}

/// Bytes from a hex string.
func hexBytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var chars = Array(hex.utf8).makeIterator()
    while let hi = chars.next(), let lo = chars.next() {
        out.append(UInt8(String(decoding: [hi, lo], as: UTF8.self), radix: 16)!)
    }
    return out
}

/// The `LogError` an untyped throwing call throws; nil when it returns or throws something else.
func thrownLogError(_ body: () throws -> Void) -> LogError? {
    do {
        try body()
        return nil
    } catch {
        return error as? LogError
    }
}
