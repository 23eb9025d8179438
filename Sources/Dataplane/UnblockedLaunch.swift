import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Starts a process with no signal blocked.
///
/// A child inherits the signal mask of the thread that spawns it, and Swift concurrency and
/// Dispatch threads block most signals: an Envoy started from one never sees SIGTERM (it stays
/// pending), so stopping it took the whole grace period and a SIGKILL. The launch therefore
/// happens on a short-lived thread whose mask is cleared first.
enum UnblockedLaunch {
    /// Runs `process` from a thread with an empty signal mask; rethrows its launch error.
    static func run(_ process: Process) throws {
        let outcome = LaunchOutcome()
        let thread = Thread {
            var none = sigset_t()
            sigemptyset(&none)
            pthread_sigmask(SIG_SETMASK, &none, nil)
            do {
                try process.run()
            } catch {
                outcome.error = error
            }
            outcome.done.signal()
        }
        thread.start()
        outcome.done.wait()
        if let error = outcome.error { throw error }
    }

    private final class LaunchOutcome: @unchecked Sendable {
        // Written by the launching thread before `done` is signalled, read after the wait.
        var error: Error?
        let done = DispatchSemaphore(value: 0)
    }
}
