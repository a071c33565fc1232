import BrakeCore
import Testing

@Suite("Keys and key files")
struct KeyTests {
    /// RFC 8032 section 7.1, TEST 1: seed, public key and the signature of the empty message.
    @Test func rfc8032Vector() throws {
        let key = try SigningKey(seed: hexBytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        #expect(key.publicKey.rawRepresentation == hexBytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
        let sig = hexBytes("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
        #expect(key.signature(for: []) == sig)
        #expect(key.publicKey.isValidSignature(sig, for: []))
        #expect(!key.publicKey.isValidSignature(sig, for: [0]))
        #expect(key.publicKey.keyID.count == 64)
        #expect(try PublicKey(base64: key.publicKey.base64) == key.publicKey)
    }

    @Test func badKeyMaterial() {
        #expect(brakeError { () throws(BrakeError) in try SigningKey(seed: [1, 2, 3]) }?.code == .invalidKey)
        #expect(brakeError { () throws(BrakeError) in try PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 31)) }?.code == .invalidKey)
        #expect(brakeError { () throws(BrakeError) in try PublicKey(base64: "!!") }?.code == .invalidKey)
    }

    /// A key has one spelling per alphabet and padding choice: 32 bytes leave two spare bits in the last
    /// base64 character, and text with those bits set is refused rather than read as the same key.
    @Test func keyBase64MustBeCanonical() throws {
        let key = try SigningKey(seed: seed(1)).publicKey
        let text = key.base64
        #expect(text.count == 44 && text.hasSuffix("="))
        let urlSafe = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        #expect(try PublicKey(base64: urlSafe) == key)
        #expect(try PublicKey(base64: String(text.dropLast())) == key)

        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var chars = Array(text)
        let last = try #require(alphabet.firstIndex(of: chars[42]))
        #expect(last & 3 == 0)
        chars[42] = alphabet[last | 1]
        let error = brakeError { () throws(BrakeError) in try PublicKey(base64: String(chars)) }
        #expect(error?.code == .invalidKey)
        #expect(brakeError { () throws(BrakeError) in try PublicKey(base64: text + "=") }?.code == .invalidKey)
    }

    @Test func privateFileRoundTrip() throws {
        let key = try SigningKey(seed: seed(7))
        let file = KeyFile.privateFile(party: "lab-a", key: key)
        let text = String(decoding: file.encoded(), as: UTF8.self)
        #expect(text.hasPrefix(#"{"format":"brake-ed25519-private-v1","party":"lab-a","public":""#))
        let decoded = try KeyFile(decoding: file.encoded())
        #expect(decoded == file)
        #expect(try decoded.signingKey().publicKey == key.publicKey)

        let pub = try KeyFile(decoding: file.publicFile.encoded())
        #expect(pub.seed == nil && pub.publicKey == key.publicKey && pub.party == "lab-a")
        #expect(String(decoding: pub.encoded(), as: UTF8.self).contains("brake-ed25519-public-v1"))
        #expect(brakeError { () throws(BrakeError) in try pub.signingKey() }?.code == .invalidKey)

        let anonymous = try KeyFile(decoding: KeyFile.privateFile(party: nil, key: key).encoded())
        #expect(anonymous.party == nil)
    }

    @Test func mismatchedSeedAndPublicRejected() throws {
        let a = try SigningKey(seed: seed(1)), b = try SigningKey(seed: seed(2))
        var file = KeyFile.privateFile(party: "lab-a", key: a)
        file.publicKey = b.publicKey
        let error = brakeError { () throws(BrakeError) in try KeyFile(decoding: file.encoded()) }
        #expect(error?.code == .invalidKey)
        #expect(error?.message.contains("does not match") == true)
    }

    @Test(arguments: [
        "", "{}", #"{"format":"nope","public":"AAAA"}"#,
        #"{"format":"brake-ed25519-public-v1","public":"AAAA"}"#,
        #"{"format":"brake-ed25519-public-v1","public":"O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik=","extra":1}"#,
    ])
    func malformedKeyFiles(text: String) {
        #expect(brakeError { () throws(BrakeError) in try KeyFile(decoding: utf8(text)) }?.code == .invalidKey)
    }

    @Test(arguments: [
        (UInt32(0o600), true), (0o400, true), (0o100600, true),
        (0o640, false), (0o644, false), (0o601, false), (0o660, false),
    ])
    func fileModeCheck(mode: UInt32, ok: Bool) {
        let error = brakeError { () throws(BrakeError) in try KeyFile.checkPrivateFileMode(mode, path: "/k") }
        #expect(ok ? error == nil : error?.code == .insecureKeyFile)
    }
}
