import BrakeCore
import Foundation

/// What `sign` and `attest countersign|dispute` share before they sign anything the node hands
/// them: an id that can only be a SHA-256, a payload that hashes to it, and a field-by-field display.
enum SignedFetch {
    /// Refuses (`usage`, `code`) an id that is not 64 lowercase hex digits, so nothing else reaches a URL.
    static func requireID(_ id: String, what: String, code: String) throws(CLIError) {
        guard id.utf8.count == 64, id.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw CLIError(.usage, "\(what) id is 64 lowercase hex digits", code: code)
        }
    }

    /// The payload the node serves at `path` for `id` (`what` names it in messages), refused unless its
    /// SHA-256 is `id`: never sign what the node merely says.
    static func payload(at path: String, id: String, what: String, from client: NodeClient) async throws(CLIError) -> [UInt8] {
        let record = try await client.get(path).object ?? [:]
        guard let encoded = record["payload"] as? String, let payload = Data(base64Encoded: encoded) else {
            throw CLIError(.unavailable, "the node returned \(what) \(id) without its payload")
        }
        guard BrakeCore.motionID(payload: Array(payload)) == id else {
            throw CLIError(.refused, "the payload the node returned does not hash to \(id); not signing", code: "payload_mismatch")
        }
        return Array(payload)
    }

    /// Prints a declaration's fields, one per line, labels aligned.
    static func show(_ fields: [(label: String, value: String)]) {
        for (label, value) in fields {
            print("  " + (label + ":").padding(toLength: 12, withPad: " ", startingAt: 0) + value)
        }
    }
}
