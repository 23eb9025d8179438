import Foundation
import GatewayModel
import Logging
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Standalone mode's infrastructure: one `gatehouse dataplane` child process per gateway
/// replica, started when a gateway instance appears, restarted (with backoff) when it dies,
/// stopped when the instance goes away or the control plane stops.
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
    }

    private struct Child {
        var process: Process
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
    /// Serializes `converge` (called by the reconciler and by the supervision loop): two
    /// concurrent passes could both see a child missing and both start one.
    private let converging = NSLock()

    init(settings: Settings, registry: DataplaneRegistry, logger: Logger) {
        self.settings = settings
        self.registry = registry
        self.logger = logger
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
            let before = Set(state.desired.keys)
            state.desired = desired.mapValues { (instance: $0.0, replica: $0.1) }
            return before != Set(desired.keys)
        }
        if changed { converge() }
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                converge()
                try? await Task.sleep(for: .milliseconds(200))
            }
        } onGracefulShutdown: {
            self.state.withLock { $0.stopping = true }
        }
        await stopAll()
    }

    /// Starts missing children, restarts dead ones, stops unwanted ones.
    private func converge() {
        converging.lock()
        defer { converging.unlock() }
        let (toStart, toStop) = state.withLock { state -> ([(String, GatewayInstance, Int)], [Child]) in
            if state.stopping { return ([], []) }
            var stop: [Child] = []
            for (key, child) in state.children {
                let wanted = state.desired[key]
                // An instance whose address or listeners changed is restarted with the new shape.
                if wanted == nil || wanted?.instance.address != child.instance.address {
                    stop.append(child)
                    state.children[key] = nil
                }
            }
            var start: [(String, GatewayInstance, Int)] = []
            let now = ContinuousClock.now
            for (key, wanted) in state.desired.sorted(by: { $0.key < $1.key }) {
                if let child = state.children[key], child.process.isRunning { continue }
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
        for (key, instance, replica) in toStart { start(key: key, instance: instance, replica: replica) }
    }

    private func start(key: String, instance: GatewayInstance, replica: Int) {
        // A dead agent's Envoy may still run in its process group: sweep it before replacing it.
        if let previous = state.withLock({ $0.children[key]?.process.processIdentifier }), previous > 0 {
            kill(-previous, SIGKILL)
        }
        let directory = "\(settings.directory)/\(instance.namespace).\(instance.name).\(replica)"
        let process = Process()
        // Foundation starts each child as the leader of its own process group, so the agent
        // and its Envoy can be swept together: an Envoy must never outlive its agent and keep
        // serving a deleted Gateway's address.
        process.executableURL = URL(fileURLWithPath: settings.executable)
        process.arguments = ["dataplane", "--control-plane", settings.controlPlaneURL, "--gateway", instance.gatewayKey,
                             "--replica", String(replica), "--work-dir", directory, "--envoy", settings.envoyBinary,
                             "--log-level", settings.logLevel, "--parent-pid", String(getpid())]
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let logPath = directory + "/dataplane.log"
            if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            log.seekToEndOfFile()
            process.standardOutput = log
            process.standardError = log
            process.standardInput = FileHandle.nullDevice
            try process.run()
        } catch {
            logger.error("cannot start dataplane", metadata: ["gateway": "\(instance.gatewayKey)", "error": "\(error)"])
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
            kill(-process.processIdentifier, SIGKILL)
            return
        }
        logger.info(restarts == 0 ? "dataplane started" : "dataplane restarted",
                    metadata: ["gateway": "\(instance.gatewayKey)", "replica": "\(replica)", "pid": "\(process.processIdentifier)",
                               "address": "\(instance.address ?? "")"])
    }

    /// SIGTERM to the agent (it drains its Envoy); after it exits, or after 8 s, SIGKILL to its
    /// whole process group so nothing it started survives.
    private func terminate(_ process: Process) {
        let pid = process.processIdentifier
        if process.isRunning { kill(pid, SIGTERM) }
        Task.detached {
            let deadline = ContinuousClock.now + .seconds(8)
            while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
            kill(-pid, SIGKILL)
        }
    }

    /// Stops every child: SIGTERM (the agent drains its Envoy), SIGKILL after 6 s.
    func stopAll() async {
        let children = state.withLock { state -> [Child] in
            state.stopping = true
            let all = Array(state.children.values)
            state.children.removeAll()
            return all
        }
        for child in children where child.process.isRunning { kill(child.process.processIdentifier, SIGTERM) }
        let deadline = ContinuousClock.now + .seconds(6)
        while children.contains(where: { $0.process.isRunning }) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for child in children { kill(-child.process.processIdentifier, SIGKILL) }
    }
}
