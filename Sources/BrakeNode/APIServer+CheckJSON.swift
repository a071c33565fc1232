import BrakeCore
import NIOCore

extension APIServer.CheckView {
    /// The body of the common answer, a verdict with no pause, no pending trigger and no reason (a
    /// `clear`), written directly rather than through Foundation's `JSONEncoder`, which was half of
    /// the cost of a `check`. The bytes are exactly the encoder's (sorted keys, slashes as they are);
    /// nil for any other answer, or when a field holds a character JSON would escape.
    var plainBody: [UInt8]? {
        guard pauses.isEmpty, pendingPauses.isEmpty, reason == nil else { return nil }
        let fields = [charter, federation, node, scope.path]
        guard fields.allSatisfy(Self.needsNoEscape) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(192 + fields.reduce(0) { $0 + $1.utf8.count })
        out += #"{"charter":""#.utf8
        out += charter.utf8
        out += #"","federation":""#.utf8
        out += federation.utf8
        out += #"","node":""#.utf8
        out += node.utf8
        out += #"","pauses":[],"pending":"#.utf8
        out += (pending ? "true" : "false").utf8
        out += #","pendingPauses":[],"scope":""#.utf8
        out += scope.path.utf8
        out += #"","verdict":""#.utf8
        out += verdict.rawValue.utf8
        out += #""}"#.utf8
        return out
    }

    /// Printable ASCII other than `"` and `\`: written as is by any JSON encoder.
    static func needsNoEscape(_ s: String) -> Bool {
        s.utf8.allSatisfy { (0x20...0x7e).contains($0) && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
    }
}
