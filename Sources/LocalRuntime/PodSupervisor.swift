import Foundation
import GatewayModel
import Logging
import Processes
import ResourceStore
import Synchronization
import Telemetry

#if canImport(Glibc)
import Glibc
#endif

/// The kubelet of the local runtime: runs each pod's (first) container as a local process in
/// the pod's own directory, restarts it with backoff when it exits (restartPolicy Always),
/// stops it when the pod is deleted (SIGTERM, then SIGKILL to its process group after the
/// grace period) and removes the pod's directory with whatever the container wrote (keys
/// included), and writes the pod's status.
final class PodSupervisor: Sendable {
    private struct Container {
        var key: ObjectKey
        var directory: String
        var process: PodProcess?
        var restarts = 0
        var nextStart: ContinuousClock.Instant?
        var startedAt: String?
        var startTime: String
        var lastTermination: String?
        var lastFinishedAt: String?
        var refusal: ContainerLaunch.Refusal?
        /// Why the last start attempt did not run, when it may succeed later.
        var waiting: ContainerLaunch.Refusal?
        /// When its service-account token was last written.
        var tokenWrittenAt: ContinuousClock.Instant?
    }

    private struct State {
        var containers: [String: Container] = [:]  // by pod uid
        /// Containers of deleted pods still stopping, by pod uid: `stopAll` waits for them,
        /// or a pod deleted just before the runtime stops would outlive it.
        var removals: [String: Task<Void, Never>] = [:]
        var stopping = false
        /// The earliest time a sleeping task will wake the runtime.
        var scheduledWake: ContinuousClock.Instant?
    }

    private let store: any ObjectStore
    private let settings: LocalRuntime.Settings
    private let logger: Logger
    private let wake: @Sendable () -> Void
    private let state = Mutex(State())

    init(store: any ObjectStore, settings: LocalRuntime.Settings, logger: Logger, wake: @escaping @Sendable () -> Void) {
        self.store = store
        self.settings = settings
        self.logger = logger
        self.wake = wake
    }

    /// Starts, restarts and stops containers to match the stored pods, and writes their status.
    func converge() async {
        let pods = store.list(ObjectFilter(kind: ResourceKinds.pod)).items
        var byUID: [String: JSONValue] = [:]
        for pod in pods {
            if let uid = pod[path: ["metadata", "uid"]]?.stringValue { byUID[uid] = pod }
        }
        let now = ContinuousClock.now
        var adoptedNow: [(ObjectKey, PodProcess)] = []
        let (toStart, toStop) = state.withLock { state -> ([String], [(uid: String, container: Container)]) in
            if state.stopping { return ([], []) }
            var stop: [(uid: String, container: Container)] = []
            for (uid, container) in state.containers where byUID[uid] == nil {
                stop.append((uid, container))
                state.containers[uid] = nil
            }
            var start: [String] = []
            for (uid, pod) in byUID.sorted(by: { $0.key < $1.key }) {
                guard let namespace = pod.namespace, let name = pod.name else { continue }
                var container = state.containers[uid] ?? Container(
                    key: ObjectKey(kind: ResourceKinds.pod, namespace: namespace, name: name),
                    directory: "\(settings.directory)/\(namespace)_\(name)_\(uid.prefix(8))", startTime: Self.timestamp())
                if state.containers[uid] == nil, let adopted = PodProcess.adopt(from: container.directory) {
                    // Started by an earlier run of the control plane and still serving: adopted,
                    // not started twice.
                    container.process = adopted
                    container.restarts = Self.restartCount(of: pod)
                    container.startedAt = pod[path: ["status", "containerStatuses"]]?.arrayValue?.first?[path: ["state", "running", "startedAt"]]?.stringValue
                    container.startTime = pod[path: ["status", "startTime"]]?.stringValue ?? container.startTime
                    adoptedNow.append((container.key, adopted))
                }
                if let process = container.process, let termination = process.termination {
                    // Exited (restartPolicy Always): whatever it left in its process group goes
                    // with it, then count it and back off. (An agent's Envoy is not in that group:
                    // its keeper drains it and stops it, so the requests it serves finish.)
                    Glibc.kill(-process.pid, SIGKILL)
                    container.restarts += 1
                    container.process = nil
                    container.startedAt = nil
                    container.lastTermination = termination.description
                    container.lastFinishedAt = Self.timestamp()
                    container.nextStart = now + Self.backoff(container.restarts)
                    logger.warning("container exited", metadata: LogMetadata.object("Pod", namespace: namespace, name: name).merging(
                        ["termination": "\(termination)", "restarts": "\(container.restarts)"]) { $1 })
                }
                if container.process == nil, container.refusal == nil, container.nextStart.map({ now >= $0 }) ?? true {
                    start.append(uid)
                }
                state.containers[uid] = container
            }
            return (start, stop)
        }
        for (pod, process) in adoptedNow {
            logger.info("adopted a running container from an earlier run", metadata: LocalRuntime.metadata(pod).merging(["pid": "\(process.pid)"]) { $1 })
            watchExit(process)
        }
        for (uid, container) in toStop { stop(container, uid: uid) }
        for uid in toStart {
            if let pod = byUID[uid] { await start(uid: uid, pod: pod) }
        }
        refreshTokens(byUID, now: now)
        await writeStatuses(byUID)
        scheduleNextRestart(now: now)
    }

    private func start(uid: String, pod: JSONValue) async {
        guard let container = state.withLock({ $0.containers[uid] }),
              let spec = pod[path: ["spec", "containers"]]?.arrayValue?.first else { return }
        let launch: ContainerLaunch
        do {
            let store = self.store
            launch = try ContainerLaunch.make(spec, pod: pod, executable: settings.executable, root: container.directory,
                                              podIP: settings.podIP, nodeName: settings.nodeName,
                                              lookup: { kind, namespace, name in store.get(kind, namespace: namespace, name: name) })
        } catch {
            state.withLock { state in
                if error.isRetryable {
                    // Shown while waiting, and tried again after a backoff.
                    state.containers[uid]?.waiting = error
                    state.containers[uid]?.nextStart = .now + Self.backoff(1)
                } else {
                    state.containers[uid]?.refusal = error
                }
            }
            logger.warning("cannot run container", metadata: LocalRuntime.metadata(container.key).merging(
                ["reason": "\(error.reason)", "message": "\(error.message)"]) { $1 })
            return
        }
        let child: ChildProcess
        do {
            try FileManager.default.createDirectory(atPath: launch.workingDirectory, withIntermediateDirectories: true)
            var environment: [String: String?] = [:]
            for (name, value) in settings.nodeEnvironment { environment[name] = value }
            if let projection = settings.serviceAccount {
                for (name, value) in try projection.project(pod, into: container.directory) { environment[name] = value }
                state.withLock { $0.containers[uid]?.tokenWrittenAt = .now }
            }
            for (name, value) in launch.environment { environment[name] = value }
            child = try await ChildProcess.launch(ChildProcess.Options(
                executable: launch.executable, arguments: launch.arguments, environment: environment,
                workingDirectory: launch.workingDirectory, logPath: container.directory + "/container.log"))
        } catch {
            logger.error("cannot start container", metadata: LocalRuntime.metadata(container.key).merging(["error": "\(error)"]) { $1 })
            state.withLock { $0.containers[uid]?.nextStart = .now + Self.backoff(container.restarts + 1) }
            return
        }
        let process = PodProcess.child(child)
        process.record(in: container.directory)
        let kept = state.withLock { state -> Bool in
            guard !state.stopping, state.containers[uid] != nil else { return false }
            state.containers[uid]?.process = process
            state.containers[uid]?.waiting = nil
            state.containers[uid]?.startedAt = Self.timestamp()
            return true
        }
        guard kept else {
            // The pod went away (or the runtime began stopping) while it was starting.
            child.sendToGroup(SIGKILL)
            return
        }
        logger.info(container.restarts == 0 ? "container started" : "container restarted",
                    metadata: LocalRuntime.metadata(container.key).merging(["pid": "\(process.pid)", "restarts": "\(container.restarts)"]) { $1 })
        watchExit(process)
    }

    /// Wakes the runtime when `process` exits.
    private func watchExit(_ process: PodProcess) {
        let wake = self.wake
        Task {
            await process.waitForExit()
            wake()
        }
    }

    /// The restart count a pod's stored status shows.
    static func restartCount(of pod: JSONValue) -> Int {
        Int(pod[path: ["status", "containerStatuses"]]?.arrayValue?.first?["restartCount"]?.integerValue ?? 0)
    }

    /// SIGTERM, then SIGKILL to the group after the grace; then the pod's directory goes. The
    /// stop runs meanwhile (the runtime's pass does not wait for it), kept in `removals` until
    /// it is done.
    private func stop(_ container: Container, uid: String) {
        let grace = settings.maximumTerminationGrace
        let logger = self.logger
        state.withLock { state in
            // Created under the lock, so the task's own removal below always finds it.
            state.removals[uid] = Task {
                if let process = container.process { await process.stop(grace: grace) }
                try? FileManager.default.removeItem(atPath: container.directory)
                logger.info("container stopped", metadata: LocalRuntime.metadata(container.key))
                _ = self.state.withLock { $0.removals.removeValue(forKey: uid) }
            }
        }
    }

    private func writeStatuses(_ pods: [String: JSONValue]) async {
        let observations = state.withLock { state in
            state.containers.mapValues { container in
                (container.startTime, ContainerObservation(
                    running: container.process?.isRunning ?? false, startedAt: container.startedAt, restartCount: container.restarts,
                    waitingReason: (container.refusal ?? container.waiting)?.reason ?? (container.restarts > 0 ? "CrashLoopBackOff" : "ContainerCreating"),
                    waitingMessage: (container.refusal ?? container.waiting)?.message, lastTermination: container.lastTermination,
                    lastFinishedAt: container.lastFinishedAt))
            }
        }
        let now = Self.timestamp()
        for (uid, pod) in pods.sorted(by: { $0.key < $1.key }) {
            guard let (startTime, observation) = observations[uid], let namespace = pod.namespace, let name = pod.name else { continue }
            let wanted = PodStatusBuilder.status(of: pod, container: observation, podIP: settings.podIP, startTime: startTime, now: now)
            if pod["status"] == wanted { continue }
            _ = try? await store.modify(ResourceKinds.pod, namespace: namespace, name: name, status: true) { current in
                // From the stored pod: a readiness gate's condition may have moved meanwhile.
                var updated = current
                updated["status"] = PodStatusBuilder.status(of: current, container: observation, podIP: self.settings.podIP,
                                                            startTime: startTime, now: now)
                return updated
            }
        }
    }

    /// Replaces the service-account tokens of running containers that are due (a kubelet
    /// rotates projected tokens before they expire), and of adopted ones, whose token's age
    /// is unknown.
    private func refreshTokens(_ pods: [String: JSONValue], now: ContinuousClock.Instant) {
        guard let projection = settings.serviceAccount else { return }
        let due = state.withLock { state in
            state.containers.filter { $0.value.process != nil && ($0.value.tokenWrittenAt.map { now - $0 >= projection.refreshAfter } ?? true) }
        }
        for (uid, container) in due {
            guard let pod = pods[uid] else { continue }
            do {
                try projection.refreshToken(pod, in: container.directory)
                state.withLock { $0.containers[uid]?.tokenWrittenAt = now }
            } catch {
                logger.warning("cannot refresh a pod's service account token", metadata: LocalRuntime.metadata(container.key).merging(["error": "\(error)"]) { $1 })
            }
        }
    }

    /// Wakes the runtime when the earliest pending restart (or token refresh) is due.
    private func scheduleNextRestart(now: ContinuousClock.Instant) {
        let refreshAfter = settings.serviceAccount?.refreshAfter
        let next = state.withLock { state -> ContinuousClock.Instant? in
            let restarts = state.containers.values.filter { $0.process == nil && $0.refusal == nil }.compactMap(\.nextStart)
            let refreshes = refreshAfter.map { after in state.containers.values.compactMap { $0.tokenWrittenAt.map { $0 + after } } } ?? []
            guard let next = (restarts + refreshes).min(), next > now else { return nil }
            // One sleeper per wake-up time: a later pass asking for the same or a later time
            // relies on the one already waiting.
            if let scheduled = state.scheduledWake, scheduled > now, scheduled <= next { return nil }
            state.scheduledWake = next
            return next
        }
        guard let next else { return }
        let wake = self.wake
        Task {
            try? await Task.sleep(until: next, clock: .continuous)
            wake()
        }
    }

    /// No more starts: the runtime is stopping.
    func beginShutdown() { state.withLock { $0.stopping = true } }

    /// Stops every container (SIGTERM, SIGKILL after the grace) and waits for them; with
    /// `keepPodsRunning`, leaves them serving for the next run to adopt. Either way, waits for
    /// the containers of deleted pods to finish stopping.
    func stopAll() async {
        let (containers, removals) = state.withLock { state -> ([Container], [Task<Void, Never>]) in
            state.stopping = true
            defer { state.containers.removeAll() }
            return (Array(state.containers.values), Array(state.removals.values))
        }
        let keep = settings.keepPodsRunning
        if keep {
            logger.info("leaving the pods running for the next start to adopt", metadata: ["pods": "\(containers.count)"])
        }
        await withTaskGroup(of: Void.self) { group in
            for removal in removals { group.addTask { await removal.value } }
            guard !keep else { return }
            for container in containers {
                if let process = container.process { group.addTask { await process.stop(grace: self.settings.maximumTerminationGrace) } }
            }
        }
    }

    /// 0.2 s after the first exit, doubling to 10 s (Kubernetes: 10 s to 5 min; local
    /// processes restart faster).
    static func backoff(_ restarts: Int) -> Duration {
        .milliseconds(min(10_000, 200 << min(max(restarts - 1, 0), 6)))
    }

    static func timestamp() -> String { Timestamps.rfc3339(Date()) }
}
