import Foundation
import Processes

#if canImport(Glibc)
import Glibc
#endif

extension ChildProcess {
    /// Stops the process from synchronous teardown code (a test's `defer`, which cannot
    /// await): SIGTERM, SIGKILL to the group after `grace`, then waits for the exit. Blocks the
    /// caller for at most about `grace`; only for test and benchmark teardown, never in the
    /// product.
    public func stopBlocking(grace: Duration = .seconds(5)) {
        send(SIGTERM)
        let deadline = ContinuousClock.now + grace
        while !hasExited && ContinuousClock.now < deadline { usleep(5_000) }
        killBlocking()
    }

    /// SIGKILL to the group, then waits (blocking) for the exit: crash simulations, teardown.
    /// Once the kernel shows the exit, waits up to a second more for the exit record, so that
    /// `termination` is set on return unless the cooperative pool is too busy to record it.
    public func killBlocking() {
        sendToGroup(SIGKILL)
        let deadline = ContinuousClock.now + .seconds(10)
        while !hasExited && ContinuousClock.now < deadline { usleep(2_000) }
        let recorded = ContinuousClock.now + .seconds(1)
        while isRunning && ContinuousClock.now < recorded { usleep(1_000) }
    }

    /// Whether the process has ended, as its exit record or the kernel says.
    ///
    /// Why the kernel too: the exit is recorded by a task on Swift's cooperative pool. Teardown
    /// that blocks threads of that pool (every `stopBlocking` in a `defer` of an async test does,
    /// and on two cores the pool has two threads) can hold back the recording until its own
    /// deadline: each stop then took its whole grace plus the SIGKILL wait, 20 s, even for a
    /// process that had exited at once. `/proc` shows the exit without any of those threads: the
    /// process is a zombie until it is reaped, then gone.
    var hasExited: Bool {
        if !isRunning { return true }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let nameEnd = stat.lastIndex(of: ")") else { return true }
        // The state letter follows the parenthesized command name (which may hold spaces).
        let state = stat[stat.index(after: nameEnd)...].first { $0 != " " }
        return state == "Z" || state == "X"
    }
}
