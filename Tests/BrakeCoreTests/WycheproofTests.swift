import BrakeCore
import Foundation
import Testing

/// Ed25519 verification against the Wycheproof vectors (C2SP/wycheproof, `ed25519_test.json`; see
/// Tests/Vectors/README.md): every `valid` signature verifies and every `invalid` one is refused,
/// through `PublicKey`, the key check and verification every charter signature goes through.
@Suite("Wycheproof Ed25519")
struct WycheproofTests {
    struct File: Decodable {
        struct Group: Decodable {
            struct Key: Decodable { var pk: String }
            var publicKey: Key
            var tests: [Vector]
        }
        struct Vector: Decodable {
            var tcId: Int
            var comment: String
            var msg: String
            var sig: String
            var result: String
            var flags: [String]
        }
        var numberOfTests: Int
        var testGroups: [Group]
    }

    static func load() throws -> File {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Vectors/wycheproof/ed25519_test.json").standardized
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }

    @Test func everyVectorIsDecidedAsPublished() throws {
        let file = try Self.load()
        var seen = (valid: 0, invalid: 0)
        for group in file.testGroups {
            // Every key of the file is an acceptable key (none is small-order or non-canonical), so a
            // refusal below is the signature's, never the key's.
            let key = try PublicKey(rawRepresentation: hexBytes(group.publicKey.pk))
            for vector in group.tests {
                let verified = key.isValidSignature(hexBytes(vector.sig), for: hexBytes(vector.msg))
                switch vector.result {
                case "valid":
                    seen.valid += 1
                    #expect(verified, "tcId \(vector.tcId) (\(vector.comment), \(vector.flags)) should verify")
                case "invalid":
                    seen.invalid += 1
                    #expect(!verified, "tcId \(vector.tcId) (\(vector.comment), \(vector.flags)) should be refused")
                default:
                    Issue.record("tcId \(vector.tcId) has result \(vector.result)")
                }
            }
        }
        #expect(seen.valid + seen.invalid == file.numberOfTests)
        #expect(seen.valid == 88 && seen.invalid == 63)
    }
}
