import BrakeCore
import Crypto
import Foundation
import Testing

@Suite("DSSE envelopes")
struct EnvelopeTests {
    /// The example of DSSE protocol.md ("Test Vectors"): its PAE and its ECDSA P-256 signature.
    @Test func specVectorPAEAndSignature() throws {
        let pae = Envelope.pae(payloadType: "http://example.com/HelloWorld", payload: utf8("hello world"))
        #expect(pae == utf8("DSSEv1 29 http://example.com/HelloWorld 11 hello world"))

        let json = """
            {"payload": "aGVsbG8gd29ybGQ=",
             "payloadType": "http://example.com/HelloWorld",
             "signatures": [{"sig": "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="}]}
            """
        let envelope = try Envelope(json: utf8(json))
        #expect(envelope.payload == utf8("hello world"))
        #expect(envelope.signatures.count == 1)
        #expect(envelope.signatures[0].keyID == nil)
        #expect(envelope.pae == pae)

        let x = decimalToBigEndian("46950820868899156662930047687818585632848591499744589407958293238635476079160", width: 32)
        let y = decimalToBigEndian("5640078356564379163099075877009565129882514886557779369047442380624545832820", width: 32)
        let d = decimalToBigEndian("97358161215184420915383655311931858321456579547487070936769975997791359926199", width: 32)
        let publicKey = try P256.Signing.PublicKey(rawRepresentation: x + y)
        // The spec's private scalar d belongs to its (X, Y): the decimal decoding is right.
        #expect(try P256.Signing.PrivateKey(rawRepresentation: d).publicKey.rawRepresentation == Data(x + y))
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: envelope.signatures[0].sig)
        #expect(publicKey.isValidSignature(signature, for: Data(envelope.pae)))
        #expect(!publicKey.isValidSignature(signature, for: Data(pae.dropLast()) + Data("!".utf8)))
    }

    @Test(arguments: [
        ("", [UInt8](), "DSSEv1 0  0 "),
        ("t", [UInt8](), "DSSEv1 1 t 0 "),
        ("application/vnd.exämple+json", utf8("{}"), "DSSEv1 29 application/vnd.exämple+json 2 {}"),
        ("t", utf8("a b\n"), "DSSEv1 1 t 4 a b\n"),
    ])
    func paeCountsBytes(type: String, payload: [UInt8], expected: String) {
        #expect(Envelope.pae(payloadType: type, payload: payload) == utf8(expected))
    }

    @Test func signRoundTripAndTamper() throws {
        let key = try SigningKey(seed: seed(1))
        let envelope = Envelope(payloadType: "application/x-test", payload: [0xfb, 0xff, 0xbf, 0x3e, 0x3f]).signed(with: key)
        #expect(envelope.signatures[0].keyID == key.publicKey.keyID)
        #expect(key.publicKey.isValidSignature(envelope.signatures[0].sig, for: envelope.pae))

        let decoded = try Envelope(json: envelope.jsonBytes())
        #expect(decoded == envelope)
        #expect(envelope.signer(of: decoded.signatures[0], among: [key.publicKey]) == key.publicKey)

        var tampered = decoded
        tampered.payload[0] ^= 1
        #expect(tampered.signer(of: tampered.signatures[0], among: [key.publicKey]) == nil)
        var retyped = decoded
        retyped.payloadType = "application/x-other"
        #expect(retyped.signer(of: retyped.signatures[0], among: [key.publicKey]) == nil)
    }

    @Test func jsonIsCanonical() throws {
        let key = try SigningKey(seed: seed(1))
        let envelope = Envelope(payloadType: "t", payload: utf8("hi")).signed(with: key)
        let text = String(decoding: envelope.jsonBytes(), as: UTF8.self)
        let sig = Data(envelope.signatures[0].sig).base64EncodedString()
        #expect(text == #"{"payload":"aGk=","payloadType":"t","signatures":[{"keyid":"\#(key.publicKey.keyID)","sig":"\#(sig)"}]}"#)
    }

    /// Verifiers must accept both base64 alphabets, padded or not.
    @Test(arguments: [
        "+/+/Pj8=", "-_-_Pj8=", "-_-_Pj8", "+/+/Pj8",
    ])
    func acceptsEitherBase64Alphabet(payload: String) throws {
        let envelope = try Envelope(json: utf8(#"{"payload":"\#(payload)","payloadType":"t","signatures":[]}"#))
        #expect(envelope.payload == [0xfb, 0xff, 0xbf, 0x3e, 0x3f])
    }

    /// Only canonical base64 is read: one spelling per alphabet and padding choice, so a leader cannot
    /// log text that two decoders (or two Foundation versions) would read differently.
    @Test(arguments: [
        ("aGk=", "hi"), ("aGk", "hi"), ("aA==", "h"), ("aA", "h"), ("", ""), ("aGVsbG8gd29ybGQ=", "hello world"),
    ])
    func acceptsCanonicalBase64(payload: String, text: String) throws {
        let envelope = try Envelope(json: utf8(#"{"payload":"\#(payload)","payloadType":"t","signatures":[]}"#))
        #expect(envelope.payload == utf8(text))
    }

    @Test(arguments: [
        "aGl=", "aGl", "aGk==", "aGk===", "aA=", "aA===", "aB==", "aB", "aG=k", "====", "=", "==", "a", "aGk=aGk=",
        "+/+_Pj8=", "-_-/Pj8", " aGk=", "aGk=\\n", "aG k",
    ])
    func rejectsNonCanonicalBase64(payload: String) {
        let json = #"{"payload":"\#(payload)","payloadType":"t","signatures":[]}"#
        #expect(brakeError { () throws(BrakeError) in try Envelope(json: utf8(json)) }?.code == .badBase64, "\(payload)")
        let sig = #"{"payload":"","payloadType":"t","signatures":[{"sig":"\#(payload)"}]}"#
        #expect(brakeError { () throws(BrakeError) in try Envelope(json: utf8(sig)) }?.code == .badBase64, "\(payload)")
    }

    @Test(arguments: [
        (#"{"payload":"@@@@","payloadType":"t","signatures":[]}"#, "bad_base64"),
        (#"{"payload":"aGk=","payloadType":"t","signatures":[{"sig":"a"}]}"#, "bad_base64"),
        (#"{"payload":"aGk=","signatures":[]}"#, "malformed_json"),
        (#"{"payload":"aGk=","payloadType":7}"#, "malformed_json"),
        (#"{"payload":"aGk=","payloadType":"t","signatures":{}}"#, "malformed_json"),
        (#"[1,2]"#, "malformed_json"),
        (#"{"payload":"aGk=""#, "malformed_json"),
    ])
    func rejectsBadEnvelopes(json: String, code: String) {
        #expect(brakeError { () throws(BrakeError) in try Envelope(json: utf8(json)) }?.code.rawValue == code)
    }
}
