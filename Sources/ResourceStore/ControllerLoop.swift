import GatewayModel
import ServiceLifecycle

/// The loop every controller over a store runs: it watches every change from now, asks
/// `concerns` about each event (which may also note it) and wakes up when one matters; each
/// wake-up runs `converge`, which reads the latest state (wake-ups between two passes fold
/// into one: the stream buffers the newest only). Graceful shutdown ends the watch and the
/// wake-ups, then `onShutdown` runs.
public enum ControllerLoop {
    /// Runs until graceful shutdown.
    public static func run(store: any ObjectStore, wake: AsyncStream<Void>, wakeContinuation: AsyncStream<Void>.Continuation,
                           concerns: @escaping @Sendable (StoreEvent) -> Bool, converge: @escaping @Sendable () async -> Void,
                           onShutdown: @escaping @Sendable () -> Void = {}) async throws {
        let subscription = try store.watch(ObjectFilter(), from: store.resourceVersion)
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await item in subscription.items {
                        guard case .event(let event) = item else { continue }
                        if concerns(event) { wakeContinuation.yield() }
                    }
                }
                group.addTask {
                    for await _ in wake {
                        if Task.isShuttingDownGracefully { break }
                        await converge()
                    }
                }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            subscription.finish()
            onShutdown()
            wakeContinuation.finish()
        }
    }
}
