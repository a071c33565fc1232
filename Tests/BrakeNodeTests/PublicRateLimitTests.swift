@testable import BrakeNode
import NIOCore
import Testing

/// The public listener's rate limit per client, and whom it counts a request against.
@Suite("Public listener: rate limit and client address")
struct PublicRateLimitTests {
    static let second: UInt64 = 1_000_000_000

    @Test("a client gets its burst at once, then the average rate, and is told when to come back")
    func bucket() {
        let limiter = PublicRateLimiter(perMinute: 60, burst: 3)
        let start: UInt64 = 1_000 * Self.second
        for n in 1...3 { #expect(limiter.admit("10.0.0.1", now: start) == .admitted, "request \(n) of the burst") }
        #expect(limiter.admit("10.0.0.1", now: start) == .limited(retryAfterSeconds: 1))
        // Another client has a bucket of its own.
        #expect(limiter.admit("10.0.0.2", now: start) == .admitted)
        // One a second comes back, and not more than the burst however long the client waits.
        #expect(limiter.admit("10.0.0.1", now: start + Self.second) == .admitted)
        #expect(limiter.admit("10.0.0.1", now: start + Self.second) == .limited(retryAfterSeconds: 1))
        let later = start + 3_600 * Self.second
        for n in 1...3 { #expect(limiter.admit("10.0.0.1", now: later) == .admitted, "request \(n) after an hour") }
        #expect(limiter.admit("10.0.0.1", now: later) != .admitted)
    }

    @Test("a slow rate says how many seconds until the next request")
    func retryAfter() {
        let limiter = PublicRateLimiter(perMinute: 2, burst: 1)
        #expect(limiter.admit("a", now: 0) == .admitted)
        #expect(limiter.admit("a", now: 0) == .limited(retryAfterSeconds: 30))
        #expect(limiter.admit("a", now: 10 * Self.second) == .limited(retryAfterSeconds: 20))
    }

    @Test("a flood of addresses keeps the table bounded")
    func bounded() {
        let limiter = PublicRateLimiter(perMinute: 60, burst: 5, maxClients: 100)
        for n in 0..<1_000 { _ = limiter.admit("client-\(n)", now: UInt64(n)) }
        #expect(limiter.clientCount <= 100)
    }

    @Test("X-Forwarded-For counts only from a trusted proxy, and only its last untrusted hop")
    func clientAddress() throws {
        let proxy = try SocketAddress(ipAddress: "10.0.0.5", port: 40_000)
        let stranger = try SocketAddress(ipAddress: "203.0.113.9", port: 40_000)
        let trusted: Set<String> = ["10.0.0.5", "10.0.0.6"]
        // Without a trusted proxy the header is the client's invention.
        #expect(PublicClient.address(peer: stranger, forwardedFor: "198.51.100.1", trustedProxies: trusted) == "203.0.113.9")
        #expect(PublicClient.address(peer: proxy, forwardedFor: nil, trustedProxies: trusted) == "10.0.0.5")
        #expect(PublicClient.address(peer: proxy, forwardedFor: "198.51.100.1", trustedProxies: []) == "10.0.0.5")
        // Through the proxy: the hop it appended, whatever the client wrote before it.
        #expect(PublicClient.address(peer: proxy, forwardedFor: "1.2.3.4, 198.51.100.1", trustedProxies: trusted) == "198.51.100.1")
        #expect(PublicClient.address(peer: proxy, forwardedFor: "198.51.100.1, 10.0.0.6", trustedProxies: trusted) == "198.51.100.1")
        // A hop that is not an address counts against the proxy.
        #expect(PublicClient.address(peer: proxy, forwardedFor: "not-an-ip", trustedProxies: trusted) == "10.0.0.5")
    }
}
