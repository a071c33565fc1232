import BrakeCore
import BrakeLog
import Foundation
import Testing

/// Checkpoints as C2SP signed notes with tlog-cosignature v1 signatures: a known answer computed
/// independently (Python's `cryptography` and `hashlib` following the C2SP text), the round trip,
/// verification against trusted keys, and what a verifier refuses.
@Suite("Checkpoints and cosignatures")
struct CheckpointTests {
    static let key = try! SigningKey(seed: Array(repeating: 7, count: 32))
    static let other = try! SigningKey(seed: Array(repeating: 8, count: 32))
    static let checkpoint = try! Checkpoint(origin: "brake-test", size: 3, root: MerkleHash.emptyTree)
    static let keyName = Cosignature.keyName(origin: "brake-test", node: "node-1")
    /// Made by Python (cryptography 48, Ed25519 seed 0x07 * 32, time 1700000000) from the C2SP rules.
    static let pythonLine =
        "— brake-test/node-1 5bjT3AAAAABlU/EAqlzKfmHxTa+DdeZ9hvAnWy+SA4pBCmFJBo2qXQJ4CN9SOhNCwrWOTG5P+eh3vRV0H44e9gPlbgX092dvGVzXBg=="

    @Test func bodyIsOriginSizeAndBase64Root() {
        #expect(String(decoding: Self.checkpoint.body, as: UTF8.self) == "brake-test\n3\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")
    }

    @Test func cosignatureMatchesAnIndependentImplementation() {
        #expect(hexString(Cosignature.keyID(keyName: Self.keyName, key: Self.key.publicKey)) == "e5b8d3dc")
        let cosignature = Cosignature.sign(Self.checkpoint, keyName: Self.keyName, key: Self.key, timestamp: 1_700_000_000)
        #expect(cosignature.line == Self.pythonLine)
        #expect(cosignature.isValid(for: Self.checkpoint, key: Self.key.publicKey))
    }

    @Test func signedNoteRoundTripsAndVerifies() throws {
        let note = SignedCheckpoint(checkpoint: Self.checkpoint)
            .adding(Cosignature.sign(Self.checkpoint, keyName: "brake-test/node-2", key: Self.other, timestamp: 5))
            .adding(Cosignature.sign(Self.checkpoint, keyName: Self.keyName, key: Self.key, timestamp: 1_700_000_000))
        #expect(note.text == "brake-test\n3\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n\(Self.pythonLine)\n" + note.cosignatures[1].line + "\n")
        let parsed = try SignedCheckpoint(text: note.text)
        #expect(parsed == note)
        let trusted = [Self.keyName: Self.key.publicKey, "brake-test/node-2": Self.other.publicKey]
        #expect(try parsed.verifiedCosigners(trusted) == Set(trusted.keys))
        // A verifier ignores keys it does not know, and a key name signing twice counts once.
        #expect(try parsed.verifiedCosigners([Self.keyName: Self.key.publicKey]) == [Self.keyName])
        let twice = note.adding(Cosignature.sign(Self.checkpoint, keyName: Self.keyName, key: Self.key, timestamp: 9))
        #expect(twice.cosignatures.count == 2)
    }

    @Test func aKnownKeyWhoseSignatureFailsRefusesTheNote() throws {
        let note = SignedCheckpoint(checkpoint: Self.checkpoint)
            .adding(Cosignature.sign(Self.checkpoint, keyName: Self.keyName, key: Self.key, timestamp: 1))
        // The other key under node-1's name: the key ID differs, so the line is not node-1's at all.
        #expect(try note.verifiedCosigners([Self.keyName: Self.other.publicKey]).isEmpty)
        // The same line over another root: node-1's key ID, a signature that does not verify.
        let forked = try Checkpoint(origin: "brake-test", size: 3, root: MerkleHash.leaf([1]))
        let moved = SignedCheckpoint(checkpoint: forked, cosignatures: note.cosignatures)
        #expect(throws: LogError.self) { try moved.verifiedCosigners([Self.keyName: Self.key.publicKey]) }
        // Every single flipped byte of the signature line's payload fails or stops naming the key.
        let bytes = Array(Data(base64Encoded: String(Self.pythonLine.split(separator: " ")[2]))!)
        for position in bytes.indices {
            var flipped = bytes
            flipped[position] ^= 0x01
            let line = "— \(Self.keyName) \(Data(flipped).base64EncodedString())"
            let text = String(decoding: Self.checkpoint.body, as: UTF8.self) + "\n" + line + "\n"
            let verified = try? SignedCheckpoint(text: text).verifiedCosigners([Self.keyName: Self.key.publicKey])
            #expect(verified == nil || verified == [], "flipping byte \(position) still verified")
        }
    }

    @Test(arguments: [
        ("brake-test\n3\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "no final newline"),
        ("brake-test\n03\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", "leading zero"),
        ("brake-test\n3\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\n", "unpadded base64"),
        ("brake-test\n3\nAAAA\n", "short root"),
        ("brake-test\n3\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nextension\n", "extension line"),
        ("brake test\n3\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", "space in origin"),
        ("\n3\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", "empty origin"),
    ])
    func malformedBodiesAreRefused(body: String, why: String) {
        #expect(throws: LogError.self, "\(why)") { try Checkpoint(body: Array(body.utf8)) }
    }

    @Test func malformedNotesAreRefused() {
        let body = String(decoding: Self.checkpoint.body, as: UTF8.self)
        for (text, why) in [
            (body, "no signature block"),
            (body + "\n", "no signature line"),
            (body + "\n" + Self.pythonLine, "no final newline"),
            (body + "\n- brake-test/node-1 AAAA\n", "not an em dash"),
            (body + "\n— brake-test/node-1 !!!!\n", "not base64"),
            (body + "\n— a+b \(Self.pythonLine.split(separator: " ")[2])\n", "plus in the key name"),
            (body + "\n" + Self.pythonLine + "\r\n", "carriage return"),
        ] {
            #expect(throws: LogError.self, "\(why)") { try SignedCheckpoint(text: text) }
        }
    }
}
