import BrakeReplica
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Answers one request on the public listener (`PublicServer`), in this order: the method (GET only,
/// else `405`), the client's rate limit (`429` with `Retry-After`), the page's own files, then the
/// allowed read routes, handed to the local API's responder unchanged except for smaller pages of
/// `/v1/log`; then the response size cap, and headers that keep the page to its own origin.
struct PublicResponder: HTTPResponder {
    typealias Context = PublicRequestContext

    /// The local API's router, whose read routes answer the allowed paths.
    let local: RouterResponder<BasicRequestContext>
    let limiter: PublicRateLimiter
    let trustedProxies: Set<String>
    let maxEventStreams: Int
    /// Event streams open on this listener; shared by every copy of the responder.
    let openStreams = Counter()

    /// The most entries one `/v1/log` page holds here (the Unix socket serves up to 1,000).
    static let maxLogPage = 100
    /// The largest response body served here; larger answers are refused (`response_too_large`).
    static let maxResponseBytes = 1 << 20
    /// The read routes served, by exact path; `/v1/motions/{id}` and `/v1/attestations/{id}` are matched apart.
    static let readRoutes: Set<String> = [
        "/v1/charter", "/v1/log", "/v1/checkpoint", "/v1/evidence", "/v1/proof/inclusion", "/v1/proof/consistency",
        "/v1/motions", "/v1/pauses", "/v1/compliance", "/v1/events", "/v1/charter/history", "/v1/amendments",
    ]
    /// What every response says about where the page may load from and be framed: itself only.
    static let securityHeaders: [(HTTPField.Name, String)] = [
        (HTTPField.Name("Content-Security-Policy")!, "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
        (HTTPField.Name("X-Content-Type-Options")!, "nosniff"),
        (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
    ]

    func respond(to request: Request, context: PublicRequestContext) async throws -> Response {
        var response = try await JSONErrorMiddleware<PublicRequestContext>().handle(request, context: context) { request, context in
            try await answer(request, context: context)
        }
        for (name, value) in Self.securityHeaders { response.headers[name] = value }
        return response
    }

    private func answer(_ request: Request, context: PublicRequestContext) async throws -> Response {
        guard request.method == .get else {
            var refused = APIResponses.error(
                "method_not_allowed", "the public listener is read-only: only GET; write through the node's Unix socket",
                status: .methodNotAllowed)
            refused.headers[.allow] = "GET"
            return refused
        }
        let client = PublicClient.address(
            peer: context.remoteAddress, forwardedFor: request.headers[HTTPField.Name("X-Forwarded-For")!],
            trustedProxies: trustedProxies)
        if case .limited(let seconds) = limiter.admit(client, now: NIODeadline.now().uptimeNanoseconds) {
            var refused = APIResponses.error(
                "rate_limited", "too many requests from \(client); try again in \(seconds) s", status: .tooManyRequests)
            refused.headers[.retryAfter] = "\(seconds)"
            return refused
        }
        let path = request.uri.path
        if let asset = PublicPage.asset(at: path) { return asset.response() }
        guard Self.readRoutes.contains(path) || Self.isItemRoute(path) else {
            return APIResponses.error("not_found", "no route \(path) on the public listener", status: .notFound)
        }
        var forwarded = request
        var slot: StreamSlot?
        if path == "/v1/log" {
            forwarded = Self.smallerLogPage(request)
        } else if path == "/v1/events" {
            guard let taken = StreamSlot(openStreams, limit: maxEventStreams) else {
                return APIResponses.error(
                    "too_many_streams", "\(maxEventStreams) event streams are open on the public listener, the most it serves; try again later",
                    status: .serviceUnavailable)
            }
            slot = taken
        }
        var response = try await local.respond(to: forwarded, context: BasicRequestContext(source: context.source))
        if let length = response.body.contentLength, length > Self.maxResponseBytes {
            return APIResponses.error(
                "response_too_large",
                "the answer is \(length) bytes, more than the public listener's cap of \(Self.maxResponseBytes); page through /v1/log, or ask the node's operator",
                status: .serviceUnavailable)
        }
        if let slot {
            // The slot is held for as long as the stream's body is being written.
            let body = response.body
            response.body = ResponseBody { writer in
                defer { withExtendedLifetime(slot) {} }
                try await body.write(writer)
            }
        }
        return response
    }

    /// `/v1/motions/{id}` or `/v1/attestations/{id}`: one item of a collection served here.
    static func isItemRoute(_ path: String) -> Bool {
        ["/v1/motions/", "/v1/attestations/", "/v1/amendments/"].contains { prefix in
            path.hasPrefix(prefix) && path.count > prefix.count && !path.dropFirst(prefix.count).contains("/")
        }
    }

    /// The request with `limit` at most `maxLogPage` (and `from` kept when it is a number).
    static func smallerLogPage(_ request: Request) -> Request {
        let query = request.uri.queryParameters
        let limit = min(max(query.get("limit").flatMap { Int($0) } ?? maxLogPage, 0), maxLogPage)
        let from = query.get("from").flatMap { UInt64($0) }.map { "from=\($0)&" } ?? ""
        var head = request.head
        head.path = "/v1/log?\(from)limit=\(limit)"
        return Request(head: head, body: request.body)
    }

    /// A count shared by copies of the responder.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    /// One open event stream, counted until it is released.
    final class StreamSlot: Sendable {
        let counter: Counter

        init?(_ counter: Counter, limit: Int) {
            guard counter.value.wrappingAdd(1, ordering: .relaxed).newValue <= limit else {
                counter.value.wrappingSubtract(1, ordering: .relaxed)
                return nil
            }
            self.counter = counter
        }

        deinit { counter.value.wrappingSubtract(1, ordering: .relaxed) }
    }
}
