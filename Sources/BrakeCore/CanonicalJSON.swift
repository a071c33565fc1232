/// Brake's canonical JSON as a byte-to-byte function, for tools outside the core: `brakectl`, tests,
/// and the fuzz targets, which check that what Brake writes reads back as itself.
///
/// The canonical form is RFC 8785 (JCS) for the values Brake uses (see `JSONValue`); parsing is the
/// strict parser every signed payload goes through (`JSONParser`: no duplicate keys, integers within
/// ±(2^53 − 1), valid UTF-8, at most 64 levels).
public enum CanonicalJSON {
    /// Parses `bytes` strictly and returns their canonical encoding (`malformed_json` otherwise).
    /// For any bytes it accepts, the result is a fixed point: canonicalizing it again returns it.
    public static func canonicalize(_ bytes: [UInt8]) throws(BrakeError) -> [UInt8] {
        try JSONValue.parse(bytes, what: "the document").canonicalBytes()
    }

    /// Whether `bytes` are already canonical: they parse, and re-encoding gives the same bytes. This is
    /// what Brake requires of every signed payload.
    public static func isCanonical(_ bytes: [UInt8]) -> Bool {
        (try? canonicalize(bytes)) == bytes
    }
}
