/// A `HOST:PORT` string split into its parts.
///
/// Charter addresses are written by people; a malformed one is a configuration error reported
/// when the transport is built, never a trap when it dials.
struct PeerAddress: Sendable, Hashable {
    var host: String
    var port: Int

    /// Parses `HOST:PORT` or `[IPv6]:PORT`.
    init(parsing text: String) throws(PeerNetworkError) {
        let bad = PeerNetworkError(.config, "address \"\(text)\" is not HOST:PORT")
        guard let colon = text.lastIndex(of: ":") else { throw bad }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw bad
        }
        self.host = host
        self.port = port
    }
}
