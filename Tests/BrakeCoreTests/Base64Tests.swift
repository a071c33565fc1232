import Testing

@testable import BrakeCore

/// Brake writes standard padded base64 itself (the pure core uses no Foundation); it must match
/// RFC 4648's test vectors and read back through the strict decoder.
@Suite struct Base64Tests {
    @Test("RFC 4648 section 10 vectors", arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func vectors(plain: String, encoded: String) throws {
        #expect(Bytes.base64(Array(plain.utf8)) == encoded)
        #expect(try Bytes.decodeBase64(encoded, field: "test") == Array(plain.utf8))
    }

    @Test("every length and byte value round-trips")
    func roundTrip() throws {
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ length &* 11 &+ 255) }
            #expect(try Bytes.decodeBase64(Bytes.base64(bytes), field: "test") == bytes)
        }
        let all = (0...255).map { UInt8($0) }
        #expect(try Bytes.decodeBase64(Bytes.base64(all), field: "test") == all)
    }
}
