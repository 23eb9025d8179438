import EnvoyTranslator
import Foundation
import GatewayModel
import Synchronization

/// The latest proxy inputs, one per gateway, and the agents waiting for them. Agents always get
/// the newest version, never a queue of old ones (a slow agent skips straight to the latest).
final class ConfigHub: Sendable {
    private struct State {
        var inputs: [String: ProxyInput] = [:]
        var generation: UInt64 = 0
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    /// Replaces the inputs of every gateway (gateways absent from `inputs` are removed) and
    /// wakes the agents.
    func publish(_ inputs: [String: ProxyInput]) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inputs = inputs
            state.generation += 1
            let waiting = Array(state.waiters.values)
            state.waiters.removeAll()
            return waiting
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Ends every stream (shutdown): waiters return and `isClosed` turns true.
    func close() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            let waiting = Array(state.waiters.values)
            state.waiters.removeAll()
            return waiting
        }
        for waiter in waiters { waiter.resume() }
    }

    /// True after `close()`.
    var isClosed: Bool { state.withLock { $0.closed } }

    /// The current input of a gateway and the generation it belongs to.
    func current(_ gateway: String) -> (input: ProxyInput?, generation: UInt64) {
        state.withLock { ($0.inputs[gateway], $0.generation) }
    }

    /// Returns once a generation newer than `generation` is published (or the task is cancelled).
    func waitForChange(after generation: UInt64) async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.generation > generation || state.closed || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
