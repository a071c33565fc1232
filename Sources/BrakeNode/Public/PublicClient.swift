import Foundation
import NIOCore

/// Who a request on the public listener comes from, for the rate limit.
///
/// The TCP peer's IP address, unless that peer is one of the operator's trusted reverse proxies
/// (`publicTrustedProxies`): then the client is the rightmost address of `X-Forwarded-For` that is
/// not itself a trusted proxy, the last hop a trusted proxy saw. Everything to the left of it was
/// written by the client and proves nothing. Without trusted proxies the header is ignored, so a
/// client cannot pick its own bucket by sending one.
enum PublicClient {
    /// The address the rate limit counts the request against.
    static func address(peer: SocketAddress?, forwardedFor: String?, trustedProxies: Set<String>) -> String {
        let peerIP = peer?.ipAddress ?? "unknown"
        guard trustedProxies.contains(peerIP), let forwardedFor else { return peerIP }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() where !hop.isEmpty && !trustedProxies.contains(hop) {
            // A hop that is not an IP address is a client's invention: count it against the proxy.
            return (try? SocketAddress(ipAddress: hop, port: 0)) != nil ? hop : peerIP
        }
        return peerIP
    }
}
