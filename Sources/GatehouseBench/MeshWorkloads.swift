import Foundation
import GatewayModel
import Harness
import Processes

/// A `gatehouse sidecar` the benchmark started for a pretend workload (DESIGN.md 4.1): its
/// outbound forward proxy is on a loopback address of its own; requests are sent to it in
/// origin form with a `Host` header naming the Service (`name.ns:port`), which the sidecar
/// routes by exactly as it routes an absolute-form request's authority.
final class SidecarProcess: Sendable {
    /// The `gatehouse sidecar` process (its Envoy is its child, in a process group of its own).
    let process: ChildProcess
    /// The workload's namespace.
    let namespace: String
    /// The workload's (and its Dataplane's) name.
    let name: String
    /// The outbound forward proxy's address.
    let address: String
    /// The outbound forward proxy's port.
    let port: Int
    /// Where the sidecar's output goes.
    let logFile: URL

    private init(process: ChildProcess, namespace: String, name: String, address: String, port: Int, logFile: URL) {
        self.process = process
        self.namespace = namespace
        self.name = name
        self.address = address
        self.port = port
        self.logFile = logFile
    }

    /// Starts `gatehouse sidecar` for `namespace/name` with its outbound on `address` (a port
    /// free there a moment ago), registered with the control plane at `server`. Returns at once;
    /// `waitUntilServing` tells when it routes.
    static func launch(namespace: String, name: String, address: String, server: String, logDirectory: URL,
                       logLevel: String) async throws -> SidecarProcess {
        let port = try freePort(host: address)
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        let logFile = logDirectory.appendingPathComponent("sidecar-\(namespace)-\(name).log")
        let process = try await ChildProcess.launch(ChildProcess.Options(
            executable: try gatehouseBinary().path,
            arguments: ["sidecar", "--namespace", namespace, "--name", name, "--outbound", "\(address):\(port)",
                        "--label", "app=bench-client", "--server", server, "--log-level", sidecarLogLevel(logLevel)],
            logPath: logFile.path))
        return SidecarProcess(process: process, namespace: namespace, name: name, address: address, port: port, logFile: logFile)
    }

    /// The sidecar's own level: its `info` logs a line per config it receives, so it follows
    /// the control plane's level only when that asks for more than warnings.
    private static func sidecarLogLevel(_ controlPlaneLevel: String) -> String {
        ["trace", "debug", "info"].contains(controlPlaneLevel) ? controlPlaneLevel : "warning"
    }

    /// `ns/name at address:port`, for messages.
    var description: String { "sidecar \(namespace)/\(name) at \(address):\(port)" }

    /// One request through the forward proxy: `GET path` with `Host: host`, on a kept-alive
    /// connection (Envoy applies a new route configuration to the next request on it).
    func get(_ path: String, host: String, timeout: Int64 = 2) async throws -> HTTPAnswer {
        try await HTTP.request("GET", "http://\(address):\(port)\(path)", headers: ["Host": host], timeout: timeout)
    }

    /// Polls until `GET path` with `Host: host` answers `status`, every `interval`, until
    /// `deadline`; returns when it did. Throws when the deadline passes or the sidecar exits.
    @discardableResult
    func waitFor(status: Int, path: String, host: String, deadline: ContinuousClock.Instant,
                 interval: Duration = .milliseconds(20)) async throws -> ContinuousClock.Instant {
        var last = "no answer"
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw HarnessError("\(description) exited (\(process.termination?.description ?? "?")); log: \(logFile.path)")
            }
            do {
                let answer = try await get(path, host: host)
                if answer.status == status { return ContinuousClock.now }
                last = "\(answer.status)"
            } catch {
                last = "\(error)"
            }
            try await Task.sleep(for: interval)
        }
        throw HarnessError("\(description): GET \(path) (Host: \(host)) did not answer \(status) in time (last: \(last)); log: \(logFile.path)")
    }

    /// The sidecar agent's resident memory (not its Envoy's), in MiB.
    var agentResidentMiB: Double { LiveGatewayBenchmark.residentMiB(process.pid) }

    /// The anonymous part of the agent's resident memory (heap, stacks), in MiB; the rest is
    /// mapped files (the binary and its libraries).
    var agentAnonymousMiB: Double { statusField("RssAnon", of: process.pid) }

    /// The agent's proportional set size in MiB: each shared page counted once over all the
    /// processes that map it (the binary's pages are shared by every agent and the control plane).
    var agentProportionalMiB: Double { statusField("Pss", of: process.pid, file: "smaps_rollup") }

    /// The resident memory of the sidecar's Envoy (the child of its envoy-keeper), in MiB.
    var envoyResidentMiB: Double { descendants(of: process.pid).filter(isEnvoy).map(LiveGatewayBenchmark.residentMiB).reduce(0, +) }

    /// SIGTERM (the sidecar stops its Envoy and removes its Dataplane), SIGKILL to the group
    /// after 10 s.
    func stop() async {
        await process.stop(grace: .seconds(10))
    }
}

/// A memory field of `/proc/<pid>/status` or another such file (in kB there), in MiB; NaN
/// when unreadable.
func statusField(_ name: String, of pid: Int32, file: String = "status") -> Double {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/\(file)", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
          let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return .nan }
    return kilobytes / 1024
}

/// The processes `pid` started (from `/proc/<pid>/task/*/children`).
func childPIDs(of pid: Int32) -> [Int32] {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
    var children: [Int32] = []
    for task in tasks {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8) else { continue }
        children += text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
    return children
}

/// Every process below `pid`: its children, theirs, and so on.
func descendants(of pid: Int32) -> [Int32] {
    var found: [Int32] = [], pending = childPIDs(of: pid)
    while let next = pending.popLast() {
        found.append(next)
        pending += childPIDs(of: next)
    }
    return found
}

/// Whether `pid` runs an executable named `envoy`.
func isEnvoy(_ pid: Int32) -> Bool {
    guard let command = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
          let executable = command.split(separator: "\0").first else { return false }
    return executable.hasSuffix("envoy")
}

/// Stops sidecars all at once (each by its PID) and waits for them.
func stopAll(_ sidecars: [SidecarProcess]) async {
    await withTaskGroup(of: Void.self) { group in
        for sidecar in sidecars { group.addTask { await sidecar.stop() } }
    }
}

/// The Kubernetes objects of the mesh measurements, created through the control plane's API.
enum MeshObjects {
    /// Creates `object` in the collection at `path` (below the server URL); anything but 201 throws.
    static func create(_ server: String, _ path: String, _ object: JSONValue) async throws {
        let answer = try await HTTP.json("POST", server + path, object)
        guard answer.status == 201 else { throw HarnessError("POST \(path): \(answer.status) \(answer.text)") }
    }

    /// A namespace.
    static func createNamespace(_ server: String, name: String) async throws {
        try await create(server, "/api/v1/namespaces", ["metadata": ["name": .string(name)]])
    }

    /// A Service with one HTTP port (named `http`) and its EndpointSlice: one ready endpoint
    /// at `127.0.0.1:backendPort`.
    static func createService(_ server: String, name: String, namespace: String, port: Int, backendPort: Int) async throws {
        try await create(server, "/api/v1/namespaces/\(namespace)/services", [
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "spec": ["ports": [["name": "http", "port": .integer(Int64(port)), "targetPort": .integer(Int64(backendPort))]]],
        ])
        try await create(server, "/apis/discovery.k8s.io/v1/namespaces/\(namespace)/endpointslices", [
            "metadata": ["name": .string("\(name)-1"), "namespace": .string(namespace),
                         "labels": ["kubernetes.io/service-name": .string(name)]],
            "addressType": "IPv4", "ports": [["name": "http", "port": .integer(Int64(backendPort))]],
            "endpoints": [["addresses": ["127.0.0.1"], "conditions": ["ready": true]]],
        ])
    }

    /// The collection URL path of HTTPRoutes in `namespace`.
    static func routes(namespace: String) -> String {
        "/apis/gateway.networking.k8s.io/v1/namespaces/\(namespace)/httproutes"
    }

    /// One rule: requests under `path` (a segment-aware prefix) go to the Service's port.
    static func rule(path: String, service: String, port: Int) -> JSONValue {
        ["matches": [["path": ["type": "PathPrefix", "value": .string(path)]]],
         "backendRefs": [["name": .string(service), "port": .integer(Int64(port))]]]
    }

    /// A producer route (GAMMA): its parent is the Service `service` (port `port`) in the same
    /// namespace, so it applies to every sidecar of the mesh; one rule per path.
    static func serviceRoute(name: String, namespace: String, service: String, port: Int, paths: [String]) -> JSONValue {
        ["apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
         "metadata": ["name": .string(name), "namespace": .string(namespace)],
         "spec": ["parentRefs": [["group": "", "kind": "Service", "name": .string(service), "port": .integer(Int64(port))]],
                  "rules": .array(paths.map { rule(path: $0, service: service, port: port) })]]
    }
}

/// Milliseconds from `start` to `end`.
func milliseconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
    let elapsed = end - start
    return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
}

/// The median of `values` (nearest rank), NaN when empty.
func median(_ values: [Double]) -> Double { percentile(values.sorted(), 50) }
