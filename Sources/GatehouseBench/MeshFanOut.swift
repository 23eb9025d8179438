import Foundation
import GatewayModel
import Harness

/// (g) Fan-out of route changes to many sidecars: `sidecars` sidecars in a few namespaces,
/// `routes` producer HTTPRoutes (Service parents) over up to fifty Services, each Service with
/// an EndpointSlice to one of a few echo backends. Each measured change (a new route, or a
/// new rule in an existing one) is applied through the API and then polled at every sidecar
/// (producer routes apply to the whole mesh: every sidecar is affected) until each answers 200
/// for the new path, which answered 404 before (the Service's port has routes, none matched).
/// A change's time is the latest of those first 200s. Also the control plane's and each
/// sidecar agent's resident memory with the sidecars connected.
enum MeshFanOut {
    /// What to run.
    struct Settings {
        var sidecars: Int
        var routes: Int
        var changes: Int
        /// Between two polls of one sidecar (each sidecar has one request in flight at most).
        var pollInterval: Duration
        var logLevel: String
        /// The longest one change may take to reach every sidecar.
        var changeDeadline: Duration = .seconds(10)
        /// Quiet time after each change before the next (the sidecars' acknowledgements and
        /// the status writes they cause), so changes are measured one at a time.
        var pause: Duration = .milliseconds(500)

        /// Services the routes are spread over (each has at least one route).
        var services: Int { min(50, routes) }
        /// Namespaces the Services, routes and sidecars are spread over.
        var namespaces: Int { 5 }
        /// Echo backends the Services point at (several Services share each).
        var backends: Int { 5 }
    }

    /// Resident memory at one moment, in MiB.
    struct Memory {
        var controlPlane: Double
        /// Each `gatehouse sidecar` process (not its Envoy).
        var agents: [Double]
        /// The anonymous part of each (the rest is the mapped binary and libraries).
        var agentsAnonymous: [Double]
        /// Each one's proportional set size (shared pages divided among their sharers).
        var agentsProportional: [Double]
        /// Each sidecar's Envoy, for reference.
        var envoys: [Double]
    }

    /// What the measurement saw.
    struct Result {
        var settings: Settings
        /// Per change: milliseconds from sending it to the first 200 at the last sidecar.
        var changeLatencies: [Double]
        /// Every sidecar's first 200, per change, in milliseconds.
        var sidecarLatencies: [Double]
        var readySeconds: Double
        var atReady: Memory
        var afterChanges: Memory
        /// `/proc/loadavg` when the changes began (the box is shared: others' load shows here).
        var loadAverage: String
        /// The control plane's part of one change, measured offline on the same objects.
        var offline: SidecarTranslationTiming.Result
        /// CPU milliseconds per change, by part (each change's pause included).
        var cpuPerChange: MeshCPU

        var report: String {
            let changes = changeLatencies.sorted(), each = sidecarLatencies.sorted()
            let p99 = percentile(changes, 99)
            let controlPlane = max(atReady.controlPlane, afterChanges.controlPlane)
            let agentReady = median(atReady.agents), agentAfter = median(afterChanges.agents)
            let agent = max(agentReady, agentAfter)
            var lines = [
                "(g) fan-out: \(settings.sidecars) sidecars in \(settings.namespaces) namespaces, \(settings.routes) HTTPRoutes with Service parents over \(settings.services) Services (\(settings.backends) echo backends); all serving \(format(readySeconds)) s after the sidecars started",
            ]
            if !changes.isEmpty {
                lines += [
                    "    \(changes.count) route changes (new route / new rule), each polled at all \(settings.sidecars) sidecars every \(TranslationTiming.milliseconds(settings.pollInterval)) ms (load average before: \(loadAverage)):",
                    "    apply to first matching response at every sidecar: p50 \(format(percentile(changes, 50))) ms, p99 \(format(p99)) ms, max \(format(changes.last ?? .nan)) ms   target p99 < 50 ms: \(verdict(p99 < 50))",
                    "    single sidecars' first matching response (\(each.count)): p50 \(format(percentile(each, 50))) ms, p99 \(format(percentile(each, 99))) ms, min \(format(each.first ?? .nan)) ms",
                ]
                let cpu = cpuPerChange, cores = ProcessInfo.processInfo.activeProcessorCount
                lines.append("    CPU per change until the next (the pause included), summed over processes: Envoys \(format(cpu.envoys)) ms (\(format(cpu.envoys / Double(settings.sidecars))) ms each), agents \(format(cpu.agents)) ms, control plane \(format(cpu.controlPlane)) ms, this benchmark's polling \(format(cpu.benchmark)) ms; on \(cores) cores the Envoys' part alone takes \(format(cpu.envoys / Double(cores))) ms")
            }
            lines.append(offline.report)
            lines += [
                "    control-plane RSS with \(settings.sidecars) sidecars: \(format(atReady.controlPlane)) MiB when all served, \(format(afterChanges.controlPlane)) MiB after the changes   target <= 150 MiB: \(verdict(controlPlane <= 150))",
                "    RSS per idle sidecar agent (gatehouse sidecar, without Envoy): median \(format(agentReady)) MiB (max \(format(atReady.agents.max() ?? .nan))) when all served, median \(format(agentAfter)) MiB (max \(format(afterChanges.agents.max() ?? .nan))) after the changes   target <= 15 MiB: \(verdict(agent <= 15))",
                "    of which anonymous (heap, stacks; the rest is the mapped binary and libraries): median \(format(median(atReady.agentsAnonymous))) MiB when all served, \(format(median(afterChanges.agentsAnonymous))) MiB after the changes;",
                "    proportional (PSS, shared pages divided among the processes mapping them): median \(format(median(atReady.agentsProportional))) MiB, \(format(median(afterChanges.agentsProportional))) MiB after the changes",
                "    for reference, each sidecar's Envoy: median \(format(median(afterChanges.envoys))) MiB after the changes",
            ]
            return lines.joined(separator: "\n")
        }
    }

    /// Runs the measurement on a control plane of its own; every process it starts is stopped
    /// (sidecars first, so they can remove their Dataplanes) before it returns or throws.
    static func run(_ settings: Settings) async throws -> Result {
        // First, while nothing else of the measurement runs.
        let offline = try SidecarTranslationTiming.run(settings)
        var backends: [EchoProcess] = []
        defer { for backend in backends { backend.stop() } }
        for index in 0..<settings.backends {
            backends.append(try await EchoProcess(name: "echo-\(index)", namespace: namespace(index, settings)))
        }
        let keptDirectory = settings.logLevel == "warning" ? nil
            : FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-bench-g-\(getpid())")
        let server = try await GatehouseProcess(dataDirectory: keptDirectory, extraArguments: ["--log-level", settings.logLevel])
        defer { server.stop() }
        LiveGatewayBenchmark.progress("(g) control plane on \(server.server), log \(server.logFile.path)")
        try await createObjects(server: server.server, settings: settings, backendPorts: backends.map(\.port))

        var sidecars: [SidecarProcess] = []
        do {
            let started = ContinuousClock.now
            for index in 0..<settings.sidecars {
                // One loopback address per sidecar, as the conformance runner gives them.
                sidecars.append(try await SidecarProcess.launch(
                    namespace: namespace(index, settings), name: "client-\(index)", address: "127.0.250.\(index + 1)",
                    server: server.server, logDirectory: server.dataDirectory.appendingPathComponent("sidecars"),
                    logLevel: settings.logLevel))
            }
            LiveGatewayBenchmark.progress("(g) \(settings.sidecars) sidecars started; waiting until each routes")
            try await waitUntilServing(sidecars, settings: settings)
            let readySeconds = milliseconds(from: started, to: .now) / 1000
            try await checkDataplanes(server: server.server, count: settings.sidecars)
            // Settled: the status writes and acknowledgements of the start are over.
            try await Task.sleep(for: .seconds(3))
            let atReady = memory(server: server, sidecars: sidecars)
            LiveGatewayBenchmark.progress("(g) all serving after \(format(readySeconds)) s; control plane \(format(atReady.controlPlane)) MiB; measuring \(settings.changes) changes")

            let loadAverage = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
                .split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
            var changeLatencies: [Double] = [], sidecarLatencies: [Double] = []
            let cpuBefore = MeshCPU.spent(server: server, sidecars: sidecars)
            for change in 0..<settings.changes {
                let firsts = try await measureChange(change, server: server.server, sidecars: sidecars, settings: settings)
                changeLatencies.append(firsts.max() ?? .nan)
                sidecarLatencies += firsts
                LiveGatewayBenchmark.progress("(g) change \(change + 1): every sidecar after \(format(firsts.max() ?? .nan)) ms (first \(format(firsts.min() ?? .nan)) ms)")
                try await Task.sleep(for: settings.pause)
            }
            let cpuPerChange = MeshCPU.perChange(before: cpuBefore, after: MeshCPU.spent(server: server, sidecars: sidecars),
                                                 changes: settings.changes)
            try await Task.sleep(for: .seconds(2))
            let afterChanges = memory(server: server, sidecars: sidecars)
            await stopAll(sidecars)
            return Result(settings: settings, changeLatencies: changeLatencies, sidecarLatencies: sidecarLatencies,
                          readySeconds: readySeconds, atReady: atReady, afterChanges: afterChanges, loadAverage: loadAverage,
                          offline: offline, cpuPerChange: cpuPerChange)
        } catch {
            await stopAll(sidecars)
            throw error
        }
    }

    /// The namespace of the `index`th Service, route, sidecar or backend.
    static func namespace(_ index: Int, _ settings: Settings) -> String { "mesh-\(index % settings.namespaces)" }

    /// The `index`th Service's name and the Host the sidecars know it by.
    static func service(_ index: Int, _ settings: Settings) -> (name: String, namespace: String, host: String) {
        let name = "svc-\(index)", namespace = namespace(index, settings)
        return (name, namespace, "\(name).\(namespace):\(servicePort)")
    }

    /// Every Service's HTTP port.
    static let servicePort = 8080

    /// Namespaces, Services with their EndpointSlices, then the routes (route `i` belongs to
    /// Service `i % services`, path `/route-i`), created eight at a time.
    static func createObjects(server: String, settings: Settings, backendPorts: [Int]) async throws {
        for index in 0..<settings.namespaces { try await MeshObjects.createNamespace(server, name: "mesh-\(index)") }
        for index in 0..<settings.services {
            let target = service(index, settings)
            try await MeshObjects.createService(server, name: target.name, namespace: target.namespace, port: servicePort,
                                                backendPort: backendPorts[index % backendPorts.count])
        }
        LiveGatewayBenchmark.progress("(g) creating \(settings.routes) routes")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in stride(from: worker, to: settings.routes, by: 8) {
                        let target = service(index % settings.services, settings)
                        try await MeshObjects.create(server, MeshObjects.routes(namespace: target.namespace), MeshObjects.serviceRoute(
                            name: "route-\(index)", namespace: target.namespace, service: target.name, port: servicePort,
                            paths: ["/route-\(index)"]))
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Every route at the first sidecar, then a few routes (the first, the last, one between)
    /// at every sidecar: the configs are whole, so a sidecar with these has them all.
    static func waitUntilServing(_ sidecars: [SidecarProcess], settings: Settings) async throws {
        let deadline = ContinuousClock.now + .seconds(180)
        guard let first = sidecars.first else { return }
        for index in 0..<settings.routes {
            try await first.waitFor(status: 200, path: "/route-\(index)", host: service(index % settings.services, settings).host,
                                    deadline: deadline)
        }
        let samples = Array(Set([0, settings.routes / 2, settings.routes - 1])).sorted()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sidecar in sidecars {
                group.addTask {
                    for index in samples {
                        try await sidecar.waitFor(status: 200, path: "/route-\(index)", host: service(index % settings.services, settings).host,
                                                  deadline: deadline)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Every Dataplane is registered, Online and its config Accepted (waits up to 30 s for
    /// the status writes).
    static func checkDataplanes(server: String, count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        var summary = ""
        while ContinuousClock.now < deadline {
            let items = try await HTTP.json("GET", server + "/apis/kuma.io/v1alpha1/dataplanes").json["items"]?.arrayValue ?? []
            let ready = items.filter { $0[path: ["status", "connection"]] == "Online" && $0[path: ["status", "config"]] == "Accepted" }
            summary = "\(items.count) Dataplanes, \(ready.count) Online and Accepted"
            if items.count == count, ready.count == count { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw HarnessError("the sidecars' Dataplanes did not all become Online and Accepted within 30 s: \(summary)")
    }

    /// The control plane's, each sidecar agent's and each sidecar Envoy's resident memory.
    static func memory(server: GatehouseProcess, sidecars: [SidecarProcess]) -> Memory {
        Memory(controlPlane: LiveGatewayBenchmark.residentMiB(server.process.pid),
               agents: sidecars.map(\.agentResidentMiB), agentsAnonymous: sidecars.map(\.agentAnonymousMiB),
               agentsProportional: sidecars.map(\.agentProportionalMiB),
               envoys: sidecars.map(\.envoyResidentMiB))
    }

    /// One change, alternately a new route (`change-N`) and a new rule (`/edit-N`) in an
    /// existing route, for the Services in turn; returns each sidecar's time to its first 200
    /// for the new path, in milliseconds from just before the change was sent.
    static func measureChange(_ change: Int, server: String, sidecars: [SidecarProcess], settings: Settings) async throws -> [Double] {
        let edited = change % settings.routes
        let serviceIndex = change.isMultiple(of: 2) ? change % settings.services : edited % settings.services
        let target = service(serviceIndex, settings)
        let path = change.isMultiple(of: 2) ? "/change-\(change)" : "/edit-\(change)"
        // The new path must not answer yet: otherwise a 200 would prove nothing.
        let witness = sidecars[change % sidecars.count]
        let before = try await witness.get(path, host: target.host)
        guard before.status == 404 else {
            throw HarnessError("change \(change): \(witness.description) answered \(before.status) for \(path) before the change")
        }
        let began = ContinuousClock.now
        if change.isMultiple(of: 2) {
            try await MeshObjects.create(server, MeshObjects.routes(namespace: target.namespace), MeshObjects.serviceRoute(
                name: "change-\(change)", namespace: target.namespace, service: target.name, port: servicePort, paths: [path]))
        } else {
            // A merge patch replaces the rules: the route's own rule, then the new one.
            let patch: JSONValue = ["spec": ["rules": [MeshObjects.rule(path: "/route-\(edited)", service: target.name, port: servicePort),
                                                       MeshObjects.rule(path: path, service: target.name, port: servicePort)]]]
            let url = server + MeshObjects.routes(namespace: target.namespace) + "/route-\(edited)"
            let answer = try await HTTP.json("PATCH", url, patch, contentType: "application/merge-patch+json")
            guard answer.status == 200 else { throw HarnessError("PATCH route-\(edited): \(answer.status) \(answer.text)") }
        }
        let deadline = began + settings.changeDeadline
        return try await withThrowingTaskGroup(of: Double.self) { group in
            for sidecar in sidecars {
                group.addTask {
                    let answered = try await sidecar.waitFor(status: 200, path: path, host: target.host, deadline: deadline,
                                                             interval: settings.pollInterval)
                    return milliseconds(from: began, to: answered)
                }
            }
            var firsts: [Double] = []
            for try await first in group { firsts.append(first) }
            return firsts
        }
    }
}
