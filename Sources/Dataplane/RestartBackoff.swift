/// The delay before restarting a process that died: 100 ms, doubling up to `maximum`, back to
/// the start once the process has run through one supervision period.
struct RestartBackoff: Sendable, Equatable {
    /// The first delay.
    let initial: Duration
    /// The longest delay.
    let maximum: Duration
    private var upcoming: Duration?

    /// A backoff from `initial` doubling to `maximum`.
    init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(5)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay to wait now; the following one doubles (up to `maximum`).
    mutating func nextDelay() -> Duration {
        let delay = upcoming ?? initial
        upcoming = min(delay * 2, maximum)
        return delay
    }

    /// The process is running: the next failure starts from `initial` again.
    mutating func succeeded() { upcoming = nil }
}
