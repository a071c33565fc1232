import BrakeCore
import Testing

/// What a signer is shown: every character that could act on a terminal, hide text or reorder it is
/// escaped; everything else is shown as it is.
@Suite("Display text")
struct DisplayTextTests {
    @Test(arguments: [
        ("plain text/é/日本/😀/שלום", "plain text/é/日本/😀/שלום"),
        ("\u{1B}[2J", "\\u{1B}[2J"),  // ESC: a terminal control sequence
        ("a\u{0}b\u{7F}c\u{9B}d", "a\\u{0}b\\u{7F}c\\u{9B}d"),  // NUL, DEL, C1 CSI
        ("line\nbreak\rtab\t", "line\\u{A}break\\u{D}tab\\u{9}"),
        ("lift\u{202E}reggirt", "lift\\u{202E}reggirt"),  // RIGHT-TO-LEFT OVERRIDE
        ("\u{202A}\u{202B}\u{202C}\u{202D}", "\\u{202A}\\u{202B}\\u{202C}\\u{202D}"),  // embeddings, PDF, LRO
        ("\u{2066}x\u{2067}y\u{2068}z\u{2069}", "\\u{2066}x\\u{2067}y\\u{2068}z\\u{2069}"),  // isolates
        ("\u{200E}\u{200F}\u{61C}", "\\u{200E}\\u{200F}\\u{61C}"),  // directional marks
        ("in\u{200B}visible\u{FEFF}\u{AD}", "in\\u{200B}visible\\u{FEFF}\\u{AD}"),  // zero width, BOM, soft hyphen
        ("a\u{2028}b\u{2029}", "a\\u{2028}b\\u{2029}"),
        ("back\\slash", "back\\\\slash"),  // so "\u{..}" in the output always is an escape
        ("\\u{202E}", "\\\\u{202E}"),
    ])
    func escapes(text: String, shown: String) {
        #expect(Array(DisplayText.escaped(text).unicodeScalars) == Array(shown.unicodeScalars))
    }

    @Test func quotedTextCannotEndEarly() {
        #expect(DisplayText.quoted(#" say "yes" "#) == #"" say \"yes\" ""#)
        #expect(DisplayText.quoted("") == #""""#)
    }

    @Test func motionFieldsAreDecodedAndEscaped() throws {
        let lift = Motion(
            federation: "brake\u{202E}dev", kind: .lift, scope: try Scope("training/frontier"), reason: "done\u{1B}[1A",
            pause: String(repeating: "ab", count: 32), proposer: "gov-a", created: 1_795_946_400_000,
            expires: 1_795_946_400_000 + 3_600_000, nonce: String(repeating: "0", count: 16))
        let fields = Dictionary(uniqueKeysWithValues: lift.displayFields.map { ($0.label, $0.value) })
        #expect(lift.displayFields.map(\.label) == ["federation", "kind", "scope", "reason", "proposer", "created", "expires", "pause"])
        #expect(fields["federation"] == "brake\\u{202E}dev")
        #expect(fields["kind"] == "lift")
        #expect(fields["scope"] == "training/frontier")
        #expect(fields["reason"] == #""done\u{1B}[1A""#)
        #expect(fields["created"] == "2026-11-29T10:00:00Z")
        #expect(fields["expires"] == "2026-11-29T11:00:00Z")
        #expect(fields["pause"] == String(repeating: "ab", count: 32))
    }
}
