import Foundation
import GatewayModel
import Logging
import Processes
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Standalone mode's infrastructure: one `gatehouse dataplane` child process per gateway
/// replica, started when a gateway instance appears, restarted (with backoff) when it dies,
/// stopped when the instance goes away or the control plane stops.
///
/// One task converges (the service's run loop), so two passes can never both see a child
/// missing and both start one; `reconcile` only records what must run and wakes that task.
final class LocalGatewaySupervisor: ServiceLifecycle.Service, Sendable {
    struct Settings: Sendable {
        /// This executable (the agent is `gatehouse dataplane`).
        var executable: String
        /// The control plane URL agents connect to.
        var controlPlaneURL: String
        /// `<data-dir>/dataplanes`.
        var directory: String
        /// The Envoy binary agents run.
        var envoyBinary: String
        /// Log level for agents.
        var logLevel: String
        /// Further agent arguments (log format, metrics port).
        var extraAgentArguments: [String] = []
    }

    private struct Child {
        var process: ChildProcess
        var instance: GatewayInstance
        var restarts: Int
        var nextStart: ContinuousClock.Instant?
    }

    private struct State {
        var desired: [String: (instance: GatewayInstance, replica: Int)] = [:]
        var children: [String: Child] = [:]
        var stopping = false
    }

    private let settings: Settings
    private let logger: Logger
    private let registry: DataplaneRegistry
    private let state = Mutex(State())
    private let wake: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    /// How often dead children are looked for when nothing else happens.
    let supervisionPeriod: Duration

    init(settings: Settings, registry: DataplaneRegistry, logger: Logger, supervisionPeriod: Duration = .milliseconds(200)) {
        self.settings = settings
        self.registry = registry
        self.logger = logger
        self.supervisionPeriod = supervisionPeriod
        (wake, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Sets the instances that must run (called after each translation).
    func reconcile(_ instances: [GatewayInstance]) {
        var desired: [String: (GatewayInstance, Int)] = [:]
        for instance in instances where instance.address != nil {
            for replica in 0..<max(1, instance.replicas) {
                desired["\(instance.gatewayKey)#\(replica)"] = (instance, replica)
            }
        }
        let changed = state.withLock { state -> Bool in
            let before = state.desired.mapValues(\.instance.address)
            state.desired = desired.mapValues { (instance: $0.0, replica: $0.1) }
            return before != state.desired.mapValues(\.instance.address)
        }
        if changed { wakeContinuation.yield() }
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                // The ticker: dead children are noticed within a period even when nothing changes.
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: self.supervisionPeriod)
                        self.wakeContinuation.yield()
                    }
                }
                group.addTask {
                    await self.converge()
                    for await _ in self.wake {
                        if Task.isShuttingDownGracefully { break }
                        await self.converge()
                    }
                }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.state.withLock { $0.stopping = true }
            self.wakeContinuation.finish()
        }
        await stopAll()
    }

    /// Starts missing children, restarts dead ones, stops unwanted ones.
    private func converge() async {
        var exited: [(gateway: String, replica: Int)] = []
        let (toStart, toStop) = state.withLock { state -> ([(String, GatewayInstance, Int)], [Child]) in
            if state.stopping { return ([], []) }
            var stop: [Child] = []
            for (key, child) in state.children {
                let wanted = state.desired[key]
                // An instance whose address changed is restarted with the new shape.
                if wanted == nil || wanted?.instance.address != child.instance.address {
                    stop.append(child)
                    state.children[key] = nil
                }
            }
            var start: [(String, GatewayInstance, Int)] = []
            let now = ContinuousClock.now
            for (key, wanted) in state.desired.sorted(by: { $0.key < $1.key }) {
                if let child = state.children[key], child.process.isRunning { continue }
                if state.children[key] != nil { exited.append((wanted.instance.gatewayKey, wanted.replica)) }
                if let child = state.children[key], let next = child.nextStart, now < next { continue }
                start.append((key, wanted.instance, wanted.replica))
            }
            return (start, stop)
        }
        for child in toStop {
            terminate(child.process)
            if state.withLock({ state in !state.desired.keys.contains { $0.hasPrefix(child.instance.gatewayKey + "#") } }) {
                registry.forget(child.instance.gatewayKey)
            }
        }
        // A dead agent said nothing: its replica stops counting as serving now, not when its
        // stream's next heartbeat fails.
        for (gateway, replica) in exited { registry.replicaExited(gateway, replica: replica) }
        for (key, instance, replica) in toStart { await start(key: key, instance: instance, replica: replica) }
    }

    private func start(key: String, instance: GatewayInstance, replica: Int) async {
        // A dead agent's Envoy may still run in its process group: sweep it before replacing it.
        state.withLock { $0.children[key]?.process }?.sendToGroup(SIGKILL)
        let directory = "\(settings.directory)/\(instance.namespace).\(instance.name).\(replica)"
        let process: ChildProcess
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            // Its own process group (ChildProcess), so the agent and its Envoy are swept
            // together: an Envoy must never outlive its agent and keep serving a deleted
            // Gateway's address.
            process = try await ChildProcess.launch(ChildProcess.Options(
                executable: settings.executable,
                arguments: ["dataplane", "--control-plane", settings.controlPlaneURL, "--gateway", instance.gatewayKey,
                            "--replica", String(replica), "--work-dir", directory, "--envoy", settings.envoyBinary,
                            "--log-level", settings.logLevel, "--parent-pid", String(getpid())] + settings.extraAgentArguments,
                logPath: directory + "/dataplane.log"))
        } catch {
            logger.error("cannot start dataplane", metadata: ["gateway": "\(instance.gatewayKey)", "error": "\(error)"])
            return
        }
        let registered = state.withLock { state -> Int? in
            // A stop may have begun while this child was being launched: then it must not be
            // left behind.
            if state.stopping { return nil }
            let restarts = (state.children[key]?.restarts ?? -1) + 1
            // Backoff for the next restart, should this one die too: 0.2 s doubling to 10 s.
            let delay = Duration.milliseconds(min(10_000, 200 << min(restarts, 6)))
            state.children[key] = Child(process: process, instance: instance, restarts: restarts, nextStart: ContinuousClock.now + delay)
            return restarts
        }
        guard let restarts = registered else {
            process.sendToGroup(SIGKILL)
            return
        }
        logger.info(restarts == 0 ? "dataplane started" : "dataplane restarted",
                    metadata: ["gateway": "\(instance.gatewayKey)", "replica": "\(replica)", "pid": "\(process.pid)",
                               "address": "\(instance.address ?? "")"])
    }

    /// SIGTERM to the agent (it drains its Envoy); after it exits, or after 8 s, SIGKILL to its
    /// whole process group so nothing it started survives.
    private func terminate(_ process: ChildProcess) {
        Task { await process.stop(grace: .seconds(8)) }
    }

    /// Stops every child: SIGTERM (the agent drains its Envoy), SIGKILL after 6 s.
    func stopAll() async {
        let children = state.withLock { state -> [Child] in
            state.stopping = true
            let all = Array(state.children.values)
            state.children.removeAll()
            return all
        }
        await withTaskGroup(of: Void.self) { group in
            for child in children { group.addTask { await child.process.stop(grace: .seconds(6)) } }
        }
    }
}
