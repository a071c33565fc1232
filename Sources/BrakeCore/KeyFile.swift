/// The on-disk form of a party's key, private or public.
///
/// Documented JSON format (keys sorted, base64 standard):
/// - private: `{"format":"brake-ed25519-private-v1","party":"lab-a","public":"<b64>","seed":"<b64>"}`
/// - public:  `{"format":"brake-ed25519-public-v1","party":"lab-a","public":"<b64>"}`
///
/// `party` is omitted when unknown. Private files must be mode 0600: the CLI and daemon read and write
/// them, and call `checkPrivateFileMode` first.
public struct KeyFile: Sendable, Hashable {
    /// The format tag of private key files.
    public static let privateFormat = "brake-ed25519-private-v1"
    /// The format tag of public key files.
    public static let publicFormat = "brake-ed25519-public-v1"

    /// The party this key belongs to, if recorded.
    public var party: String?
    /// The public key.
    public var publicKey: PublicKey
    /// The 32-byte seed; present in private files only.
    public var seed: [UInt8]?

    /// A public key file.
    public init(party: String?, publicKey: PublicKey) {
        self.party = party
        self.publicKey = publicKey
        self.seed = nil
    }

    /// A private key file holding `key`'s seed.
    public static func privateFile(party: String?, key: SigningKey) -> KeyFile {
        var file = KeyFile(party: party, publicKey: key.publicKey)
        file.seed = key.seed
        return file
    }

    /// The public half of this file, safe to share.
    public var publicFile: KeyFile { KeyFile(party: party, publicKey: publicKey) }

    /// The file's bytes (canonical JSON, no trailing newline).
    public func encoded() -> [UInt8] {
        var o: [JSONKey: JSONValue] = [
            "format": .string(seed == nil ? Self.publicFormat : Self.privateFormat),
            "public": .string(publicKey.base64),
        ]
        if let party { o["party"] = .string(party) }
        if let seed { o["seed"] = .string(Bytes.base64(seed)) }
        return JSONValue.object(o).canonicalBytes()
    }

    /// Decodes a key file; any problem, including a public key that does not match the seed, is `invalid_key`.
    public init(decoding bytes: [UInt8]) throws(BrakeError) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes, what: "key file")
        } catch {
            throw BrakeError(.invalidKey, error.message)
        }
        let f = try JSONFields(value, what: "key file", code: .invalidKey)
        let format = try f.string("format")
        party = f.has("party") ? try f.nullableString("party") : nil
        publicKey = try PublicKey(base64: f.string("public"))
        switch format {
        case _ where Bytes.same(format, Self.privateFormat):
            try f.finish(known: ["format", "party", "public", "seed"])
            let seedBytes: [UInt8]
            do {
                seedBytes = try Bytes.decodeBase64(f.string("seed"), field: "seed")
            } catch {
                throw BrakeError(.invalidKey, "key file: \(error.message)")
            }
            let key = try SigningKey(seed: seedBytes)
            guard key.publicKey == publicKey else {
                throw BrakeError(.invalidKey, "key file: the public key does not match the seed")
            }
            seed = seedBytes
        case _ where Bytes.same(format, Self.publicFormat):
            try f.finish(known: ["format", "party", "public"])
            seed = nil
        default:
            throw BrakeError(.invalidKey, "key file: unknown format \"\(format)\"")
        }
    }

    /// The signing key of a private file; `invalid_key` for a public file.
    public func signingKey() throws(BrakeError) -> SigningKey {
        guard let seed else { throw BrakeError(.invalidKey, "a public key file cannot sign") }
        return try SigningKey(seed: seed)
    }

    /// Rejects a private key file whose permission bits give group or others any access.
    public static func checkPrivateFileMode(_ mode: UInt32, path: String) throws(BrakeError) {
        let loose = mode & 0o077
        guard loose == 0 else {
            throw BrakeError(
                .insecureKeyFile,
                "\(path) has mode \(String(mode & 0o777, radix: 8)); a private key must be 600 (chmod 600 \(path))")
        }
    }
}
