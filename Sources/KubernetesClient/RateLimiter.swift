import Synchronization

/// Client-side rate limiting: a token bucket of `burst` tokens refilled at `queriesPerSecond`,
/// as client-go's default limiter (5 qps, burst 10). Each request takes one token, waiting
/// (asleep on `clock`, never holding a thread) until its token is due. A waiter reserves its
/// token before sleeping, so requests are released in arrival order at the configured rate.
public final class TokenBucketRateLimiter<C: Clock>: Sendable where C.Duration == Duration {
    private struct Bucket: Sendable {
        /// Tokens available at `updatedAt`; negative when reserved by waiters.
        var tokens: Double
        var updatedAt: C.Instant
    }

    /// Average requests per second.
    public let queriesPerSecond: Double
    /// Requests allowed at once above the average.
    public let burst: Int
    private let clock: C
    private let bucket: Mutex<Bucket>

    /// Creates a full bucket. `queriesPerSecond` <= 0 means no limit.
    public init(queriesPerSecond: Double, burst: Int, clock: C) {
        self.queriesPerSecond = queriesPerSecond
        self.burst = max(1, burst)
        self.clock = clock
        bucket = Mutex(Bucket(tokens: Double(max(1, burst)), updatedAt: clock.now))
    }

    /// How long the next request would wait if it came now (for tests and metrics).
    public var currentDelay: Duration {
        bucket.withLock { bucket in
            let tokens = refilled(bucket, at: clock.now)
            return tokens >= 1 ? .zero : seconds((1 - tokens) / queriesPerSecond)
        }
    }

    /// Takes a token, waiting until one is due. Throws `CancellationError` when the task is
    /// cancelled while waiting (its reservation is not given back: a cancelled request was
    /// counted, as client-go counts it).
    public func acquire() async throws {
        guard queriesPerSecond > 0 else { return }
        let wait: Duration = bucket.withLock { bucket in
            let now = clock.now
            bucket.tokens = refilled(bucket, at: now) - 1
            bucket.updatedAt = now
            return bucket.tokens >= 0 ? .zero : seconds(-bucket.tokens / queriesPerSecond)
        }
        if wait > .zero { try await clock.sleep(for: wait) }
    }

    private func refilled(_ bucket: Bucket, at now: C.Instant) -> Double {
        let elapsed = bucket.updatedAt.duration(to: now)
        let (wholeSeconds, attoseconds) = elapsed.components
        let seconds = Double(wholeSeconds) + Double(attoseconds) / 1e18
        return min(Double(burst), bucket.tokens + max(0, seconds) * queriesPerSecond)
    }

    private func seconds(_ value: Double) -> Duration {
        .nanoseconds(Int64((value * 1e9).rounded(.up)))
    }
}
