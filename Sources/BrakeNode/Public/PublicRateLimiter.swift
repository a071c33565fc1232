import Synchronization

/// Requests per client on the public listener: a token bucket per client address.
///
/// Each client may make `burst` requests at once and `perMinute` a minute on average; a request
/// beyond that is refused with how long to wait. Time is an argument (monotonic nanoseconds), so
/// the tests drive it. The table of buckets is bounded (`maxClients`): when it is full, buckets that
/// have refilled completely are forgotten (they hold nothing a fresh one would not), and if none
/// has, the one idle the longest; so a flood of addresses costs bounded memory, never a crash.
final class PublicRateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: UInt64
    }

    /// The verdict on one request.
    enum Verdict: Equatable {
        case admitted
        /// Refused; one more request is allowed after this many whole seconds.
        case limited(retryAfterSeconds: Int)
    }

    let perMinute: Int
    let burst: Int
    let maxClients: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    init(perMinute: Int, burst: Int, maxClients: Int = 10_000) {
        self.perMinute = perMinute
        self.burst = burst
        self.maxClients = maxClients
    }

    /// Tokens gained per nanosecond.
    private var rate: Double { Double(perMinute) / 60e9 }

    /// Takes one token from `client`'s bucket at monotonic time `now` (nanoseconds), if it has one.
    func admit(_ client: String, now: UInt64) -> Verdict {
        buckets.withLock { buckets in
            var bucket = buckets[client] ?? {
                if buckets.count >= maxClients { prune(&buckets, now: now) }
                return Bucket(tokens: Double(burst), updated: now)
            }()
            let elapsed = now >= bucket.updated ? Double(now - bucket.updated) : 0
            bucket.tokens = min(Double(burst), bucket.tokens + elapsed * rate)
            bucket.updated = max(now, bucket.updated)
            defer { buckets[client] = bucket }
            guard bucket.tokens >= 1 - 1e-9 else {
                let seconds = ((1 - bucket.tokens) / rate / 1e9).rounded(.up)
                return .limited(retryAfterSeconds: max(1, Int(seconds)))
            }
            bucket.tokens -= 1
            return .admitted
        }
    }

    /// The clients with a bucket now.
    var clientCount: Int { buckets.withLock { $0.count } }

    /// Forgets the buckets that refilled completely, and the idlest one if the table is still full.
    private func prune(_ buckets: inout [String: Bucket], now: UInt64) {
        let rate = self.rate, burst = Double(self.burst)
        buckets = buckets.filter { _, bucket in
            bucket.tokens + Double(now > bucket.updated ? now - bucket.updated : 0) * rate < burst
        }
        if buckets.count >= maxClients, let idlest = buckets.min(by: { $0.value.updated < $1.value.updated }) {
            buckets.removeValue(forKey: idlest.key)
        }
    }
}
