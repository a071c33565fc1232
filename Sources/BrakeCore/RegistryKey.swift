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
    /// A link of the charter chain after genesis, by the entry at which it took over.
    case charterEpoch(UInt64)
    /// An amendment record, by amendment id.
    case amendment(String)

    /// `meta`, `m/<id>`, `p/<id>`, `a/<id>`, `r/<id>`, `am/<id>` (amendments) or `c/<index>` (charter
    /// epochs, the index as 20 decimal digits so that epochs sort by index): keys of one table sort by
    /// kind, then id.
    public var bytes: [UInt8] { Array(description.utf8) }

    /// The key as text.
    public var description: String {
        switch self {
        case .meta: "meta"
        case .motion(let id): "m/" + id
        case .pause(let id): "p/" + id
        case .attestation(let id): "a/" + id
        case .review(let id): "r/" + id
        case .charterEpoch(let index): "c/" + Self.padded(index)
        case .amendment(let id): "am/" + id
        }
    }

    /// Decodes key bytes (`corrupt_state` if they are not one of the forms above).
    public init(bytes: [UInt8]) throws(BrakeError) {
        let text = String(decoding: bytes, as: UTF8.self)
        if text == "meta" {
            self = .meta
            return
        }
        if text.hasPrefix("am/"), text.utf8.count > 3, Array(text.utf8) == bytes {
            self = .amendment(String(text.dropFirst(3)))
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
        case "c/":
            guard id.utf8.count == 20, id.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let index = UInt64(id) else {
                throw BrakeError(.corruptState, "\"\(text)\" is not a charter epoch key")
            }
            self = .charterEpoch(index)
        default: throw BrakeError(.corruptState, "\"\(text)\" is not a registry key")
        }
    }
}

extension RegistryKey {
    /// `index` as 20 decimal digits with leading zeros (UInt64.max has 20).
    static func padded(_ index: UInt64) -> String {
        let digits = String(index)
        return String(repeating: "0", count: 20 - digits.count) + digits
    }
}
