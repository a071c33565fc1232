import BrakeLog
import Foundation
import Testing

/// The published Merkle vectors of transparency-dev/merkle (`Tests/Vectors/merkle`, see
/// Tests/Vectors/README.md): the reference tree's roots at every size, and every inclusion and
/// consistency probe decided as published. Happy-path proofs are also generated and must match the
/// published hashes exactly.
@Suite("Merkle vectors (transparency-dev/merkle)")
struct MerkleVectorTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Vectors/merkle").standardized

    struct ReferenceTreeFile: Decodable {
        var leafInputsHex: [String]
        var rootHashHexBySize: [String]
    }

    struct InclusionProbe: Decodable {
        var leafIdx: UInt64
        var treeSize: UInt64
        var root: String
        var leafHash: String
        var proof: [String]?
        var desc: String
        var wantErr: Bool
    }

    struct ConsistencyProbe: Decodable {
        var size1: UInt64
        var size2: UInt64
        var root1: String
        var root2: String
        var proof: [String]?
        var desc: String
        var wantErr: Bool
    }

    /// Every probe file under `kind`, as (path relative to the vectors directory, probe).
    static func probes<P: Decodable>(_ kind: String, as type: P.Type) throws -> [(String, P)] {
        let root = directory.appendingPathComponent(kind)
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }
        return try files.map { url in
            let name = kind + url.path.dropFirst(root.path.count)
            return (name, try JSONDecoder().decode(P.self, from: Data(contentsOf: url)))
        }.sorted { $0.0 < $1.0 }
    }

    /// A hash from base64; nil when the bytes are not 32 long (Brake refuses such a hash when it
    /// decodes a proof or a root, before verifying anything).
    static func hash(_ base64: String) -> MerkleHash? {
        Data(base64Encoded: base64).flatMap { MerkleHash(bytes: Array($0)) }
    }

    static func referenceTree() throws -> ReferenceTreeFile {
        try JSONDecoder().decode(
            ReferenceTreeFile.self, from: Data(contentsOf: directory.appendingPathComponent("tree.json")))
    }

    @Test func referenceTreeRootsAtEverySize() throws {
        let file = try Self.referenceTree()
        var nodes = InMemoryMerkleNodes()
        #expect(file.rootHashHexBySize.count == file.leafInputsHex.count + 1)
        #expect(nodes.frontier.root.hex == file.rootHashHexBySize[0], "empty tree")
        for (i, leaf) in file.leafInputsHex.enumerated() {
            nodes.append(leafHash: MerkleHash.leaf(hexBytes(leaf)))
            #expect(nodes.frontier.root.hex == file.rootHashHexBySize[i + 1], "root at size \(i + 1)")
        }
        for size in 0...file.leafInputsHex.count {
            #expect(try nodes.tree.root(atSize: UInt64(size)).hex == file.rootHashHexBySize[size], "stored root at size \(size)")
        }
    }

    @Test func everyInclusionProbeIsDecidedAsPublished() throws {
        let probes = try Self.probes("inclusion", as: InclusionProbe.self)
        #expect(probes.count == 98)
        var accepted: [String] = []
        for (name, probe) in probes {
            let leaf = Self.hash(probe.leafHash)
            let root = Self.hash(probe.root)
            let hashes = (probe.proof ?? []).map(Self.hash)
            var error: LogError?
            var refusedAtDecoding = false
            if let leaf, let root, hashes.allSatisfy({ $0 != nil }) {
                let proof = InclusionProof(leafIndex: probe.leafIdx, treeSize: probe.treeSize, hashes: hashes.map { $0! })
                error = logError { () throws(LogError) in try proof.verify(leafHash: leaf, root: root) }
            } else {
                refusedAtDecoding = true
            }
            let refused = refusedAtDecoding || error != nil
            #expect(refused == probe.wantErr, "\(name) (\(probe.desc)): wantErr \(probe.wantErr), refused: \(refusedAtDecoding ? "a hash is not 32 bytes" : String(describing: error))")
            if !refused { accepted.append(name) }
        }
        #expect(accepted.count == 6, "accepted: \(accepted)")
    }

    /// Probes that Brake cannot even express: `wantErr: false` with a hash of a length other than 32
    /// ("don't care 2", 12 bytes, as both roots between equal sizes). Brake refuses such a hash where
    /// it is decoded, as it refuses any hash of the wrong length; transparency-dev compares the two
    /// byte strings and accepts.
    static let inexpressible: Set<String> = ["consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"]

    @Test func everyConsistencyProbeIsDecidedAsPublished() throws {
        let probes = try Self.probes("consistency", as: ConsistencyProbe.self)
        #expect(probes.count == 98)
        var accepted: [String] = []
        var inexpressible: Set<String> = []
        for (name, probe) in probes {
            let old = Self.hash(probe.root1)
            let new = Self.hash(probe.root2)
            let hashes = (probe.proof ?? []).map(Self.hash)
            var error: LogError?
            var refusedAtDecoding = false
            if let old, let new, hashes.allSatisfy({ $0 != nil }) {
                let proof = ConsistencyProof(oldSize: probe.size1, newSize: probe.size2, hashes: hashes.map { $0! })
                error = logError { () throws(LogError) in try proof.verify(oldRoot: old, newRoot: new) }
            } else {
                refusedAtDecoding = true
            }
            if refusedAtDecoding && !probe.wantErr { inexpressible.insert(name) }
            let refused = refusedAtDecoding || error != nil
            let expected = probe.wantErr || Self.inexpressible.contains(name)
            #expect(refused == expected, "\(name) (\(probe.desc)): wantErr \(probe.wantErr), refused: \(refusedAtDecoding ? "a hash is not 32 bytes" : String(describing: error))")
            if !refused { accepted.append(name) }
        }
        #expect(inexpressible == Self.inexpressible)
        #expect(accepted.count == 5, "accepted: \(accepted)")
    }

    @Test func generatedProofsAreThePublishedOnes() throws {
        let file = try Self.referenceTree()
        let nodes = InMemoryMerkleNodes(leaves: file.leafInputsHex.map(hexBytes))
        let inclusion = try Self.probes("inclusion", as: InclusionProbe.self).filter { $0.1.desc == "happy path" }
        let consistency = try Self.probes("consistency", as: ConsistencyProbe.self).filter { $0.1.desc == "happy path" }
        #expect(inclusion.count == 5 && consistency.count == 5)
        for (name, probe) in inclusion {
            let proof = try nodes.tree.inclusionProof(leafIndex: probe.leafIdx, treeSize: probe.treeSize)
            #expect(proof.hashes.map { $0.bytes } == (probe.proof ?? []).map { Array(Data(base64Encoded: $0)!) }, "\(name)")
            #expect(try nodes.tree.root(atSize: probe.treeSize) == Self.hash(probe.root), "\(name): root")
            #expect(MerkleHash.leaf(hexBytes(file.leafInputsHex[Int(probe.leafIdx)])) == Self.hash(probe.leafHash), "\(name): leaf")
        }
        for (name, probe) in consistency {
            let proof = try nodes.tree.consistencyProof(from: probe.size1, to: probe.size2)
            #expect(proof.hashes.map { $0.bytes } == (probe.proof ?? []).map { Array(Data(base64Encoded: $0)!) }, "\(name)")
        }
    }
}
