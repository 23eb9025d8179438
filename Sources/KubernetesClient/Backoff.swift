/// Exponential backoff with jitter, capped, as client-go's reflector uses it (800 ms doubling
/// to 30 s, up to 100% jitter): the delay before retry `attempt` (0-based) is
/// `min(cap, initial * factor^attempt) * (1 + jitter * r)` with r in [0, 1), capped again.
public struct ExponentialBackoff: Sendable {
    /// The first delay.
    public var initial: Duration
    /// The longest delay.
    public var cap: Duration
    /// How much each failure multiplies the delay.
    public var factor: Double
    /// The largest fraction added at random.
    public var jitter: Double
    /// A random number in [0, 1) (injectable for tests).
    public var random: @Sendable () -> Double

    /// Creates a backoff (client-go's reflector defaults).
    public init(initial: Duration = .milliseconds(800), cap: Duration = .seconds(30), factor: Double = 2, jitter: Double = 1,
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.initial = initial
        self.cap = cap
        self.factor = factor
        self.jitter = jitter
        self.random = random
    }

    /// The delay before retry `attempt` (0 for the first retry).
    public func delay(attempt: Int) -> Duration {
        let initialSeconds = Self.seconds(initial)
        let capSeconds = Self.seconds(cap)
        // Bounded exponent: no overflow however many attempts failed.
        var base = initialSeconds
        for _ in 0..<min(max(0, attempt), 64) where base < capSeconds { base *= factor }
        base = min(base, capSeconds)
        let jittered = min(capSeconds, base * (1 + jitter * min(max(random(), 0), 1)))
        return .nanoseconds(Int64(jittered * 1e9))
    }

    static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
