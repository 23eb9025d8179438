import ArgumentParser
import Dataplane
import Foundation
import GatehouseClient
import GatewayModel
import Logging
import NIOHTTP1
import Telemetry

/// `gatehouse sidecar`: makes a local process a mesh workload (DESIGN.md 4.1). It registers the
/// workload as a `kuma.io/v1alpha1` `Dataplane`, runs the same agent as a gateway replica (config
/// stream, filesystem xDS, acceptance, rollback) with an Envoy whose outbound listener is an
/// HTTP forward proxy on `--outbound`, and removes the Dataplane when it stops (SIGTERM,
/// SIGINT, or its parent process going away).
struct SidecarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sidecar",
        abstract: "Run a mesh sidecar beside a local workload: an HTTP forward proxy that routes as the mesh says.",
        discussion: """
            Clients of the workload send HTTP requests through the forward proxy at --outbound, in \
            absolute form (GET http://echo.ns:8080/path HTTP/1.1) or with a Host header. A Service \
            is addressed as name (in the sidecar's namespace), name.ns, name.ns.svc or \
            name.ns.svc.cluster.local, with its port (80 when omitted); HTTPRoutes whose parentRef \
            is that Service decide where the request goes (GAMMA). An endpoint (pod) IP goes \
            straight to that endpoint.
            """)

    @Option(help: "The workload's namespace.")
    var namespace: String

    @Option(help: "The workload's name (its pod name): the Dataplane's name.")
    var name: String

    @Option(help: "ADDRESS:PORT of the outbound forward proxy (a loopback address).")
    var outbound: String

    @Option(name: .customLong("label"), help: "A workload label KEY=VALUE (repeatable): the Dataplane's labels.")
    var labels: [String] = []

    @Option(help: "The mesh to join (default: the namespace's kuma.io/mesh label or annotation, else default).")
    var mesh: String?

    @Option(help: "The control plane's URL (default: $GATEHOUSE_SERVER, else http://127.0.0.1:5681).")
    var server: String?

    @Option(help: "Working directory for the bootstrap, xDS files and Envoy's log (default: a new temporary directory, removed on exit).")
    var workDir: String?

    @Option(help: "The Envoy binary (default: $GATEHOUSE_ENVOY, the project's .venv, or PATH).")
    var envoy: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(help: "Log format: text or json (one JSON object per line).")
    var logFormat: LogFormat = .text

    @Option(help: "host:port of the sidecar agent's metrics port (port 0 picks a free one); shown in the Dataplane's status.metricsAddress.")
    var metricsAddress: String = "127.0.0.1:0"

    func validate() throws {
        guard Self.isName(namespace) else { throw ValidationError("--namespace: \"\(namespace)\" is not a DNS label") }
        guard Self.isName(name) else { throw ValidationError("--name: \"\(name)\" is not a DNS subdomain name") }
        _ = try parsedOutbound()
        _ = try parsedLabels()
        try validateMetricsAddress(metricsAddress)
        if let mesh, !Self.isName(mesh) { throw ValidationError("--mesh: \"\(mesh)\" is not a valid mesh name") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level: unknown level \"\(logLevel)\"") }
    }

    private static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 253 && text.first != "-" && text.last != "-"
            && text.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 46 }
    }

    private func parsedOutbound() throws -> (address: String, port: Int) {
        guard let colon = outbound.lastIndex(of: ":"), let port = Int(outbound[outbound.index(after: colon)...]),
              (1...65535).contains(port) else {
            throw ValidationError("--outbound: expected ADDRESS:PORT, got \"\(outbound)\"")
        }
        let address = String(outbound[..<colon])
        let parts = address.split(separator: ".")
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else {
            throw ValidationError("--outbound: \"\(address)\" is not an IPv4 address")
        }
        return (address, port)
    }

    private func parsedLabels() throws -> [String: String] {
        var result: [String: String] = [:]
        for label in labels {
            guard let equals = label.firstIndex(of: "="), equals != label.startIndex else {
                throw ValidationError("--label: expected KEY=VALUE, got \"\(label)\"")
            }
            result[String(label[..<equals])] = String(label[label.index(after: equals)...])
        }
        return result
    }

    /// Registers the Dataplane and gets its token, then becomes the `gatehouse-dataplane` agent
    /// (same process: see `AgentExecutable`), which removes the Dataplane when it stops.
    func run() async throws {
        bootstrapLogging(level: logLevel, format: logFormat)
        var logger = Logger(label: "gatehouse.sidecar")
        // Every line of the sidecar is about its Dataplane.
        logger[metadataKey: "kind"] = "Dataplane"
        logger[metadataKey: "namespace"] = .string(namespace)
        logger[metadataKey: "name"] = .string(name)
        let serverURL = server ?? ProcessInfo.processInfo.environment["GATEHOUSE_SERVER"] ?? "http://127.0.0.1:5681"
        let client = APIClient(server: serverURL)
        let binary = try locateEnvoy(envoy, logger: logger)
        let (address, port) = try parsedOutbound()
        let registration = DataplaneRegistration(client: client, namespace: namespace, name: name)
        do {
            try await registration.register(
                mesh: mesh, labels: try parsedLabels(), address: address, port: port)
        } catch {
            logger.critical("cannot register the Dataplane: \(error)")
            throw ExitCode(1)
        }
        let token: String
        do {
            token = try await registration.requestToken()
        } catch {
            logger.critical("cannot get a dataplane token for the Dataplane: \(error)")
            await registration.remove(logger: logger)
            throw ExitCode(1)
        }
        let ownsDirectory = workDir == nil
        let directory = workDir ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("gatehouse-sidecar-\(namespace)-\(name)-\(getpid())").path
        var invocation = AgentInvocation(controlPlane: client.server, kind: .sidecar, proxy: "\(namespace)/\(name)",
                                         workDirectory: URL(fileURLWithPath: directory).standardizedFileURL.path, envoyBinary: binary)
        invocation.parentPID = getppid()
        invocation.metricsAddress = metricsAddress
        invocation.logLevel = logLevel
        invocation.logFormat = logFormat.rawValue
        invocation.removeWorkDirectory = ownsDirectory
        invocation.dataplaneObjectPath = registration.objectPath
        logger.info("sidecar starting", metadata: ["outbound": "\(address):\(port)"])
        try becomeAgent(invocation, environment: [AgentInvocation.Environment.token: token], logger: logger)
    }
}

/// The sidecar's `Dataplane` object: created (or replaced) at start, deleted at a clean stop.
struct DataplaneRegistration {
    let client: APIClient
    let namespace: String
    let name: String

    /// Creates or replaces the Dataplane: the mesh is `mesh`, else the namespace's
    /// `kuma.io/mesh` label or annotation, else `default` (resolved here, so `get dataplanes`
    /// shows it).
    func register(mesh: String?, labels: [String: String], address: String, port: Int) async throws {
        let path = client.path(ResourceKinds.dataplane, namespace: namespace, name: name)
        var chosenMesh = mesh ?? ""
        if chosenMesh.isEmpty { chosenMesh = await meshOfNamespace() }
        var metadata: JSONValue = ["name": .string(name), "namespace": .string(namespace)]
        if !labels.isEmpty { metadata["labels"] = .object(labels.mapValues(JSONValue.string)) }
        let object: JSONValue = [
            "apiVersion": "kuma.io/v1alpha1", "kind": "Dataplane", "mesh": .string(chosenMesh), "metadata": metadata,
            "spec": ["networking": ["address": .string(address),
                                    "outbound": [["address": .string(address), "port": .integer(Int64(port))]]]],
        ]
        let created: Bool
        do {
            try await client.send(.POST, client.path(ResourceKinds.dataplane, namespace: namespace), body: object)
            created = true
        } catch {
            guard error.statusCode == 409 else { throw error }
            created = false
        }
        if !created {
            // Registered before (a restart): replace it, whatever it held.
            try await replace(with: object, at: path)
        }
    }

    private func replace(with object: JSONValue, at path: String) async throws {
        let current = try await client.send(.GET, path).body
        var replacement = object
        replacement[path: ["metadata", "resourceVersion"]] = current[path: ["metadata", "resourceVersion"]] ?? .null
        try await client.send(.PUT, path, body: replacement)
    }

    private func meshOfNamespace() async -> String {
        let namespaceObject = try? await client.send(.GET, client.path(ResourceKinds.namespace, namespace: nil, name: namespace)).body
        let metadata = namespaceObject?["metadata"]
        return metadata?[path: ["labels", "kuma.io/mesh"]]?.stringValue
            ?? metadata?[path: ["annotations", "kuma.io/mesh"]]?.stringValue ?? "default"
    }

    /// Asks the control plane for this Dataplane's token (`POST /gatehouse/v1/dataplanes/token`,
    /// answered only for a Dataplane that exists): what the agent presents on every request.
    func requestToken() async throws -> String {
        let answer = try await client.send(.POST, "/gatehouse/v1/dataplanes/token",
                                           body: ["kind": "sidecar", "namespace": .string(namespace), "name": .string(name)])
        guard let token = answer.body["token"]?.stringValue, !token.isEmpty else {
            throw ClientError(statusCode: answer.statusCode, message: "the token answer holds no token")
        }
        return token
    }

    /// The Dataplane's API path (the agent deletes it there when it stops).
    var objectPath: String { client.path(ResourceKinds.dataplane, namespace: namespace, name: name) }

    /// Deletes the Dataplane (a failure is logged: the control plane removes offline ones).
    func remove(logger: Logger) async {
        do {
            try await client.send(.DELETE, client.path(ResourceKinds.dataplane, namespace: namespace, name: name))
            logger.info("left the mesh: Dataplane removed")
        } catch {
            logger.warning("could not remove the Dataplane; the control plane removes it once offline long enough",
                           metadata: ["error": "\(error)"])
        }
    }
}
