import BrakeReplica
import NIOCore

extension NodeConfiguration {
    /// Checks the public listener's fields (code `config`, naming the field).
    func validatePublic() throws(NodeError) {
        func fail(_ field: String, _ value: Any, _ why: String) -> NodeError {
            NodeError(.config, "\(field): \(value) — \(why)")
        }
        if let publicListen, !Self.isAddress(publicListen) {
            throw fail("publicListen", publicListen, "must be HOST:PORT")
        }
        guard (1...1_000_000).contains(publicRequestsPerMinute) else {
            throw fail("publicRequestsPerMinute", publicRequestsPerMinute, "must be 1 to 1000000")
        }
        guard (1...100_000).contains(publicBurst) else { throw fail("publicBurst", publicBurst, "must be 1 to 100000") }
        guard (8...65_536).contains(publicMaxConnections) else {
            throw fail("publicMaxConnections", publicMaxConnections, "must be 8 to 65536")
        }
        guard publicMaxEventStreams >= 1, publicMaxEventStreams < maxEventStreams, publicMaxEventStreams < publicMaxConnections else {
            throw fail(
                "publicMaxEventStreams", publicMaxEventStreams,
                "must be at least 1 and below maxEventStreams (\(maxEventStreams)) and publicMaxConnections (\(publicMaxConnections))")
        }
        for proxy in publicTrustedProxies where (try? SocketAddress(ipAddress: proxy, port: 0)) == nil {
            throw fail("publicTrustedProxies", proxy, "must be an IP address, as the proxy connects from")
        }
    }
}
