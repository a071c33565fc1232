/// The key of one persisted registry row. The store keeps one row per record, so applying an entry
/// rewrites only the rows in `ApplyResult.changed`.
public enum RegistryKey: Sendable, Hashable, CustomStringConvertible {
    /// The applied index, the last effective time and the charter id.
    case meta
    /// A motion record, by motion id.
    case motion(String)
    /// A pause, by pause id.
    case pause(String)
    /// An attestation record, by attestation id.
    case attestation(String)
    /// An attestation review record (a countersignature or a dispute), by review id.
    case review(String)

    /// `meta`, `m/<id>`, `p/<id>`, `a/<id>` or `r/<id>`: keys of one table sort by kind, then id.
    public var bytes: [UInt8] { Array(description.utf8) }

    /// The key as text.
    public var description: String {
        switch self {
        case .meta: "meta"
        case .motion(let id): "m/" + id
        case .pause(let id): "p/" + id
        case .attestation(let id): "a/" + id
        case .review(let id): "r/" + id
        }
    }

    /// Decodes key bytes (`corrupt_state` if they are not one of the forms above).
    public init(bytes: [UInt8]) throws(BrakeError) {
        let text = String(decoding: bytes, as: UTF8.self)
        if text == "meta" {
            self = .meta
            return
        }
        let id = String(text.dropFirst(2))
        guard Array(text.utf8) == bytes, !id.isEmpty else {
            throw BrakeError(.corruptState, "\"\(text)\" is not a registry key")
        }
        switch text.prefix(2) {
        case "m/": self = .motion(id)
        case "p/": self = .pause(id)
        case "a/": self = .attestation(id)
        case "r/": self = .review(id)
        default: throw BrakeError(.corruptState, "\"\(text)\" is not a registry key")
        }
    }
}
