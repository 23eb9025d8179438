import Processes

#if canImport(Glibc)
import Glibc
#endif

extension ChildProcess {
    /// Stops the process from synchronous teardown code (a test's `defer`, which cannot
    /// await): SIGTERM, SIGKILL to the group after `grace`, then waits for the exit, which
    /// swift-subprocess observes on its own thread. Blocks the caller for at most about
    /// `grace`; only for test and benchmark teardown, never in the product.
    public func stopBlocking(grace: Duration = .seconds(5)) {
        send(SIGTERM)
        let deadline = ContinuousClock.now + grace
        while isRunning && ContinuousClock.now < deadline { usleep(5_000) }
        killBlocking()
    }

    /// SIGKILL to the group, then waits (blocking) for the exit: crash simulations, teardown.
    public func killBlocking() {
        sendToGroup(SIGKILL)
        let deadline = ContinuousClock.now + .seconds(10)
        while isRunning && ContinuousClock.now < deadline { usleep(2_000) }
    }
}
