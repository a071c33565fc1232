/// Text from a signed payload, made safe to show to the person about to sign it.
///
/// A motion's strings are chosen by its proposer. Shown raw on a terminal, control characters can act
/// (an ESC sequence can clear the screen or rewrite a line already shown), and bidirectional overrides
/// and isolates can reorder what is displayed, so `lift` could read as something else; invisible
/// format characters can hide text. `brakectl sign` shows every field through `escaped(_:)`, so what
/// the signer reads is what the bytes say.
public enum DisplayText {
    /// `text` with every character that could act on a terminal, hide text or reorder it written as
    /// `\u{XXXX}` (uppercase hex): controls (C0, DEL and C1), format characters (Unicode category Cf:
    /// the bidirectional marks, embeddings, overrides and isolates U+061C, U+200E, U+200F,
    /// U+202A–U+202E, U+2066–U+2069, zero-width characters, the soft hyphen, tags), and the line and
    /// paragraph separators U+2028 and U+2029. A backslash is written `\\`, so an escape in the output
    /// always stands for one character of the text. Everything else is shown as it is.
    public static func escaped(_ text: String) -> String {
        escaped(text, quote: false)
    }

    /// `escaped(text)` in double quotes, with `"` written `\"`: for free text (a motion's reason),
    /// so leading and trailing spaces show and the text cannot seem to end early.
    public static func quoted(_ text: String) -> String {
        "\"" + escaped(text, quote: true) + "\""
    }

    private static func escaped(_ text: String, quote: Bool) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                out += "\\\\"
            } else if quote, scalar == "\"" {
                out += "\\\""
            } else if needsEscape(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}

extension Motion {
    /// The fields a signer must read, labelled and escaped for display (`DisplayText.escaped`), in the
    /// order they matter: federation, kind, scope, reason (quoted, since it is free text), proposer,
    /// created, expires, and the pause a lift ends. `brakectl sign` shows these instead of the raw payload.
    public var displayFields: [(label: String, value: String)] {
        [
            ("federation", DisplayText.escaped(federation)),
            ("kind", kind.rawValue),
            ("scope", DisplayText.escaped(scope.path)),
            ("reason", DisplayText.quoted(reason)),
            ("proposer", DisplayText.escaped(proposer)),
            ("created", RFC3339.format(created)),
            ("expires", RFC3339.format(expires)),
            ("pause", pause.map(DisplayText.escaped) ?? "none (a trigger starts a new pause)"),
        ]
    }
}


extension Attestation {
    /// The fields a reviewer must read before countersigning or disputing, labelled and escaped for
    /// display: federation, party, pause, period, each claim (quoted), each evidence digest, created.
    public var displayFields: [(label: String, value: String)] {
        [
            ("federation", DisplayText.escaped(federation)),
            ("party", DisplayText.escaped(party)),
            ("pause", DisplayText.escaped(pause)),
            ("period", DisplayText.escaped(period)),
        ]
            + claims.map { ("claim", DisplayText.quoted($0)) }
            + (evidence.isEmpty ? [("evidence", "none")] : evidence.map { ("evidence", DisplayText.escaped($0)) })
            + [("created", RFC3339.format(created))]
    }
}
