import BrakeCore
import Crypto
import Foundation
import Testing

/// Ed25519 public keys that would let anyone sign, or that different libraries read differently, are
/// refused: small-order points and non-canonical encodings. (Bytes that are no point at all cannot be
/// listed by a charter: see `CharterTests.aKeyThatIsNoPointCannotBeListed`.)
@Suite("Weak Ed25519 keys")
struct WeakKeyTests {
    static let zeros = String(repeating: "00", count: 31)
    static let ones = String(repeating: "ff", count: 30)

    /// The eight points of order 1, 2, 4 and 8, canonically encoded (y little-endian, sign of x in bit 255).
    static let smallOrder = [
        "01" + zeros,  // identity (0, 1)
        "ec" + ones + "7f",  // (0, -1), order 2
        "00" + zeros,  // (sqrt(-1), 0), order 4
        "00" + String(repeating: "00", count: 30) + "80",  // (-sqrt(-1), 0), order 4
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  // order 8
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    ]

    /// Other spellings of small-order points: x = 0 with the sign bit set, and y >= p (p = 2^255 - 19).
    static let nonCanonicalSmallOrder = [
        "01" + String(repeating: "00", count: 30) + "80",  // identity, sign bit set
        "ec" + ones + "ff",  // (0, -1), sign bit set
        "ed" + ones + "7f", "ed" + ones + "ff",  // y = p, i.e. 0
        "ee" + ones + "7f", "ee" + ones + "ff",  // y = p + 1, i.e. 1
    ]

    @Test(arguments: smallOrder + nonCanonicalSmallOrder)
    func smallOrderKeysAreRefused(hex: String) {
        let bytes = hexBytes(hex)
        #expect(bytes.count == 32)
        let error = brakeError { () throws(BrakeError) in try PublicKey(rawRepresentation: bytes) }
        #expect(error?.code == .invalidKey, "\(hex)")
        #expect(brakeError { () throws(BrakeError) in try PublicKey(base64: Data(bytes).base64EncodedString()) }?.code == .invalidKey)
    }

    /// y >= p is never accepted, whether or not y - p would be a point.
    @Test(arguments: ["ef" + ones + "7f", "f0" + ones + "7f", "ff" + ones + "7f", "ff" + ones + "ff"])
    func nonCanonicalKeysAreRefused(hex: String) {
        let bytes = hexBytes(hex)
        #expect(brakeError { () throws(BrakeError) in try PublicKey(rawRepresentation: bytes) }?.code == .invalidKey, "\(hex)")
    }

    /// Bytes that are no point (y = 2, y = 7, random y values checked against an independent
    /// implementation) pass the byte checks, but a charter listing one never verifies: nobody can
    /// sign under it, and every listed key must sign the charter.
    @Test(arguments: [
        "02" + zeros, "07" + zeros,
        "38b4e652e44da7f2370d9e260e27136550a4a3a6d07f5c0c332f8b1212841f69",
        "f8c99d5d5d9831957504d90e945de2e8f54ee781cc75f636d8509909ad51008b",
        "a4e6ed24ec636a8ac0a1271e5866279238aaf84e58056d8f2fa8edd04add4b57",
        "944cf1b220eaa2c7fb1b7d3e3f73f414af6e0d935520dd4c2147738603f95fbf",
    ])
    func offCurveKeysCannotBeListed(hex: String) throws {
        let key = try PublicKey(rawRepresentation: hexBytes(hex))
        let envelope = CharterTests.charter(labAKeys: [devKey("lab-a").publicKey, key], signedBy: dev.keys.map(\.key))
        #expect(brakeError { () throws(BrakeError) in try Charter.verify(envelope) }?.code == .unprovenKey, "\(hex)")
    }

    /// Keys of real signing keys, and points of large order that no seed is known for, stay valid.
    @Test(arguments: [
        "03" + zeros, "09" + zeros,
        // Random points (checked against an independent implementation).
        "9b540d6b8f0be21124179c3dd9f73817ce6e118d264aad6cb6dd210f574ad669",
        "5d108cf25930263938b370a1b5769fa0f1483f95a90d9df2f130d60f6782dec9",
        "9ce2b10cccdaebf990d19838b0d7ec0b3e97818ecb96c4dbadbe1722cbea11a5",
        "e2db611a91bfe39469733a9247d58fa3c55018300372555fd235f118947d1c46",
    ])
    func largeOrderPointsAreAccepted(hex: String) throws {
        #expect(try PublicKey(rawRepresentation: hexBytes(hex)).rawRepresentation == hexBytes(hex))
        for n in UInt8(1)...20 {
            let key = try SigningKey(seed: seed(n)).publicKey
            #expect(try PublicKey(rawRepresentation: key.rawRepresentation) == key)
        }
    }

    /// With the identity as a key, `01 00..00 || 00..00` is a valid signature of every message. Brake
    /// refuses the key, so no charter can list it and the forgery speaks for nobody.
    @Test func identityKeyForgeryIsClosed() throws {
        let identity = hexBytes("01" + Self.zeros)
        let forged = identity + [UInt8](repeating: 0, count: 32)
        let library = try Curve25519.Signing.PublicKey(rawRepresentation: identity)
        #expect(library.isValidSignature(forged, for: Data("trigger anything".utf8)))
        #expect(library.isValidSignature(forged, for: Data("lift anything".utf8)))

        #expect(brakeError { () throws(BrakeError) in try PublicKey(rawRepresentation: identity) }?.code == .invalidKey)

        let weak = Data(identity).base64EncodedString()
        let text = String(decoding: dev.charter.payloadBytes(), as: UTF8.self)
            .replacingOccurrences(of: devKey("gov-a").publicKey.base64, with: weak)
        #expect(text.contains(weak))
        let error = brakeError { () throws(BrakeError) in try Charter.parse(payload: utf8(text)) }
        #expect(error?.code == .invalidCharter)
        #expect(error?.message.contains("gov-a") == true)

        let file = utf8(#"{"format":"brake-ed25519-public-v1","public":"\#(weak)"}"#)
        #expect(brakeError { () throws(BrakeError) in try KeyFile(decoding: file) }?.code == .invalidKey)
    }
}
