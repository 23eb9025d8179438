import DataplaneWire
import Synchronization

/// Hands the config stream's messages from the task reading the stream to the task applying
/// them. The reader never waits for an acceptance check: the messages that arrive during one
/// are folded together, and the check is hurried (`AcceptanceInterrupt`) so that the newest
/// version is written as soon as Envoy has decided the previous one.
final class ConfigInbox: Sendable {
    private struct State {
        var desired = DesiredConfig()
        var changed = false
        var received = ContinuousClock.now
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())
    /// Raised when a message arrives while a version is being checked.
    let interrupt = AcceptanceInterrupt()

    /// Folds messages in and wakes the applying task.
    func add(_ messages: [ConfigPush], received: ContinuousClock.Instant = .now) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            for message in messages { state.desired.fold(message) }
            state.changed = true
            state.received = received
            defer { state.waiter = nil }
            return state.waiter
        }
        interrupt.raise()
        waiter?.resume()
    }

    /// No more messages: `next` returns nil once the last one was taken.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// The desired config when it changed since the last call (and when its newest message
    /// arrived), waiting for a change; nil once finished with nothing new.
    func next() async -> (desired: DesiredConfig, received: ContinuousClock.Instant)? {
        while true {
            // Reset before taking: a message that arrives after the take raises it again.
            interrupt.reset()
            let taken = state.withLock { state -> (DesiredConfig, ContinuousClock.Instant)?? in
                if state.changed {
                    state.changed = false
                    return .some((state.desired, state.received))
                }
                return state.finished ? .some(nil) : nil
            }
            if let taken { return taken }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.changed || state.finished { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }
}

/// Cuts short the waits of an acceptance check when a newer version is waiting to be written.
final class AcceptanceInterrupt: Sendable {
    private struct State {
        var raised = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// True from `raise` until `reset`.
    var isRaised: Bool { state.withLock { $0.raised } }

    /// Ends the current wait, and makes later waits short until `reset`.
    func raise() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.raised = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Back to full waits (the newest version is being written now).
    func reset() { state.withLock { $0.raised = false } }

    /// Returns after `duration` on `clock`, or as soon as the interrupt is raised.
    func sleep<WaitClock: Clock>(for duration: Duration, clock: WaitClock) async where WaitClock.Duration == Duration {
        if isRaised { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await clock.sleep(for: duration) }
            group.addTask { await self.waitUntilRaised() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitUntilRaised() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.raised || Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
