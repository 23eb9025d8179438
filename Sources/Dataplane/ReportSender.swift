import Synchronization

/// Sends the agent's status reports one at a time, each built when it is sent.
///
/// A report replaces everything the control plane knew of this replica. Two reports in flight
/// at once can arrive in either order, and an older one arriving last (a report built before a
/// version was accepted, landing after the one saying it was) would leave the Gateway waiting
/// for a `Programmed` that never comes. So reports never overlap, each carries the state as it
/// is when its request starts, and a request made while another is in flight is answered by
/// the next one, which includes it.
///
/// A failed report is not retried here: `isBehind` tells the agent's supervisor loop to send
/// again.
final class ReportSender: Sendable {
    private struct State {
        /// Counts the requests: each follows a change of the state a report carries.
        var requested = 0
        /// The newest request that a delivered report included.
        var delivered = 0
        var sending = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private enum Turn {
        case done
        case send(including: Int)
        case wait
    }

    private let state = Mutex(State())

    /// True when a change has not reached the control plane (its report failed) and no report
    /// is in flight.
    var isBehind: Bool { state.withLock { !$0.sending && $0.delivered < $0.requested } }

    /// Makes sure a report built after this call reaches the control plane: sends one, or
    /// waits for the one in flight and then sends the next unless another caller did.
    /// `deliver` builds the report from the current state and returns whether it was taken.
    /// Returns early (without delivery) when a report attempt for this change failed.
    func send(using deliver: () async -> Bool) async {
        let wanted = state.withLock { state in
            state.requested += 1
            return state.requested
        }
        var attempted = false
        while true {
            let turn = state.withLock { state -> Turn in
                if state.delivered >= wanted { return .done }
                if state.sending { return .wait }
                // One attempt per caller: a failure is left to the supervisor's retry.
                if attempted { return .done }
                state.sending = true
                // The report is built after this point, so it includes every change requested so far.
                return .send(including: state.requested)
            }
            switch turn {
            case .done:
                return
            case .send(let including):
                attempted = true
                let taken = await deliver()
                let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                    state.sending = false
                    if taken { state.delivered = max(state.delivered, including) }
                    defer { state.waiters = [] }
                    return state.waiters
                }
                for waiter in waiters { waiter.resume() }
            case .wait:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        guard state.sending else { return true }
                        state.waiters.append(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
        }
    }
}
