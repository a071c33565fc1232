/// A DSSE 1.0 envelope (https://github.com/secure-systems-lab/dsse, `envelope.md` and `protocol.md`).
///
/// Every declaration and the charter travel as envelopes: the payload bytes are what the parties sign,
/// exactly, so nothing is ever re-serialized before verification. Signatures cover
/// `PAE(payloadType, payload)`, which binds the type to the bytes and rules out type confusion.
public struct Envelope: Sendable, Hashable {
    /// What the payload is (`application/vnd.brake.motion.v1+json`…); authenticated by every signature.
    public var payloadType: String
    /// The signed bytes.
    public var payload: [UInt8]
    /// Zero or more signatures over the PAE.
    public var signatures: [EnvelopeSignature]

    /// Creates an envelope.
    public init(payloadType: String, payload: [UInt8], signatures: [EnvelopeSignature] = []) {
        self.payloadType = payloadType
        self.payload = payload
        self.signatures = signatures
    }

    /// Decodes the JSON envelope. As the protocol requires of verifiers, `payload` and `sig` may use the
    /// standard or the URL-safe base64 alphabet, with or without padding; but only canonical base64
    /// (`bad_base64` otherwise: see `Bytes.decodeBase64`), so that a logged envelope reads the same
    /// everywhere. Fields that the DSSE spec
    /// allows to be empty (`payload`, `signatures`, `keyid`) may be omitted; other unknown fields are
    /// ignored, as DSSE leaves room for them.
    public init(json: [UInt8]) throws(BrakeError) {
        try self.init(json: JSONValue.parse(json, what: "envelope"))
    }

    /// The JSON envelope, with sorted keys and standard padded base64; `keyid` is omitted when absent.
    public func jsonBytes() -> [UInt8] {
        json.canonicalBytes()
    }

    /// DSSE's Pre-Authentication Encoding:
    /// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in ASCII decimal bytes.
    public static func pae(payloadType: String, payload: [UInt8]) -> [UInt8] {
        let type = Array(payloadType.utf8)
        var out = Array("DSSEv1 \(type.count) ".utf8)
        out += type
        out += Array(" \(payload.count) ".utf8)
        out += payload
        return out
    }

    /// The bytes every signature of this envelope covers.
    public var pae: [UInt8] { Self.pae(payloadType: payloadType, payload: payload) }

    /// A copy with one more signature by `key`, with the key's id as the (unauthenticated) keyid hint.
    public func signed(with key: SigningKey) -> Envelope {
        var copy = self
        copy.signatures.append(EnvelopeSignature(keyID: key.publicKey.keyID, sig: key.signature(for: pae)))
        return copy
    }

    /// Finds which of `keys` made `signature`: the key the keyid hint names first, then every other.
    /// The hint only orders the search; it is never trusted.
    public func signer(of signature: EnvelopeSignature, among keys: [PublicKey]) -> PublicKey? {
        let message = pae
        let isHinted = { (key: PublicKey) in signature.keyID.map { Bytes.same(key.keyID, $0) } ?? false }
        for key in keys.filter(isHinted) + keys.filter({ !isHinted($0) })
        where key.isValidSignature(signature.sig, for: message) {
            return key
        }
        return nil
    }
}

/// One DSSE signature.
public struct EnvelopeSignature: Sendable, Hashable {
    /// Optional, unauthenticated hint naming the key; Brake writes the signer's `PublicKey.keyID`.
    public var keyID: String?
    /// The raw signature bytes (Ed25519: 64 bytes).
    public var sig: [UInt8]

    /// Creates a signature entry.
    public init(keyID: String?, sig: [UInt8]) {
        self.keyID = keyID
        self.sig = sig
    }
}

extension Envelope: JSONConvertible, Codable {
    init(json: JSONValue) throws(BrakeError) {
        let f = try JSONFields(json, what: "envelope")
        payloadType = try f.string("payloadType")
        payload = f.has("payload") ? try Bytes.decodeBase64(f.string("payload"), field: "payload") : []
        signatures = []
        if f.has("signatures") {
            for item in try f.array("signatures") {
                let s = try JSONFields(item, what: "envelope signature")
                let keyID = s.has("keyid") ? try s.nullableString("keyid") : nil
                signatures.append(EnvelopeSignature(keyID: keyID, sig: try Bytes.decodeBase64(s.string("sig"), field: "sig")))
            }
        }
    }

    var json: JSONValue {
        .object([
            "payload": .string(Bytes.base64(payload)),
            "payloadType": .string(payloadType),
            "signatures": .array(signatures.map { sig in
                var o: [JSONKey: JSONValue] = ["sig": .string(Bytes.base64(sig.sig))]
                if let keyID = sig.keyID { o["keyid"] = .string(keyID) }
                return .object(o)
            }),
        ])
    }

    /// Decodes the JSON envelope (same rules as `init(json:)`), so an envelope can sit inside API types.
    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder) }
    /// Encodes the JSON envelope.
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}
