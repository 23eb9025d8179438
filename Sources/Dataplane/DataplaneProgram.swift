import AgentHTTP
import Logging
import ServiceLifecycle
import Telemetry

#if canImport(Glibc)
import Glibc
#endif

/// What the `gatehouse-dataplane` executable runs: `dataplane ...` or `sidecar ...`
/// (`AgentInvocation`'s command line), `envoy-keeper ...` (`EnvoyKeeper`), or `drain --port
/// PORT` (a gateway pod's preStop hook). Users run it through `gatehouse dataplane` and
/// `gatehouse sidecar`, whose `--help` documents the options.
public enum DataplaneProgram {
    /// Runs the command `arguments` names (the process's arguments, its name first) and returns
    /// the exit status.
    public static func main(_ arguments: [String]) async -> Int32 {
        let command = arguments.dropFirst().first
        let rest = Array(arguments.dropFirst(2))
        do {
            if let command, let kind = AgentInvocation.kind(ofSubcommand: command) {
                return try await runAgent(AgentInvocation(kind: kind, parsing: rest))
            }
            if command == drainSubcommand { return try await runDrain(rest) }
            guard command == EnvoyKeeper.subcommand else {
                writeError("usage: \(AgentExecutable.name) dataplane|sidecar|envoy-keeper|drain ... (run it through `gatehouse dataplane` or `gatehouse sidecar`; `drain --port PORT` is a gateway pod's preStop hook)\n")
                return 64
            }
            return try await runKeeper(rest)
        } catch {
            writeError("\(AgentExecutable.name): \(error)\n")
            return 1
        }
    }

    private static func runAgent(_ invocation: AgentInvocation) async throws -> Int32 {
        (LogFormat(rawValue: invocation.logFormat) ?? .text).bootstrap(level: Logger.Level(rawValue: invocation.logLevel) ?? .info)
        Telemetry.bootstrapMetrics()
        let logger = Self.logger(for: invocation)
        var token: DataplaneConfiguration.TokenSource?
        if let file = invocation.tokenFile {
            token = .file(file)
        } else if let value = FileSystem.environment(AgentInvocation.Environment.token), !value.isEmpty {
            token = .value(value)
        }
        let authority = FileSystem.environment(AgentInvocation.Environment.controlPlaneCACertificate).flatMap { $0.isEmpty ? nil : $0 }
        defer { if invocation.removeWorkDirectory { FileSystem.removeTree(invocation.workDirectory) } }
        try FileSystem.createDirectories(invocation.workDirectory)
        let agent = try DataplaneAgent(
            configuration: DataplaneConfiguration(controlPlane: invocation.controlPlane, kind: invocation.kind, gateway: invocation.proxy,
                                                  replica: invocation.replica, workDirectory: invocation.workDirectory,
                                                  envoyBinary: invocation.envoyBinary, parentPID: invocation.parentPID, token: token,
                                                  metricsAddress: invocation.metricsAddress, controlPlaneCACertificate: authority),
            logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: agent)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        if let path = invocation.dataplaneObjectPath {
            // Stopped on purpose: the workload leaves the mesh.
            await removeDataplane(at: path, controlPlane: invocation.controlPlane, authority: authority, logger: logger)
        }
        return 0
    }

    /// Every line of the agent is about its proxy: a Gateway (and replica) or a sidecar's
    /// Dataplane.
    private static func logger(for invocation: AgentInvocation) -> Logger {
        let parts = invocation.proxy.split(separator: "/").map(String.init)
        var logger = Logger(label: invocation.kind == .gateway ? "gatehouse.dataplane" : "gatehouse.sidecar")
        logger[metadataKey: "kind"] = invocation.kind == .gateway ? "Gateway" : "Dataplane"
        logger[metadataKey: "namespace"] = .string(parts.first ?? "")
        logger[metadataKey: "name"] = .string(parts.last ?? "")
        if invocation.kind == .gateway { logger[metadataKey: "replica"] = "\(invocation.replica)" }
        return logger
    }

    /// Deletes the sidecar's Dataplane (a failure is logged: the control plane removes offline
    /// ones).
    private static func removeDataplane(at path: String, controlPlane: String, authority: String?, logger: Logger) async {
        do {
            let client = try ControlPlaneTrust.client(for: controlPlane, trusting: authority)
            let response = try await client.execute(
                AgentHTTPRequest(method: .DELETE, url: controlPlane + path, headers: ["Accept": "application/json", "User-Agent": "gatehouse"]),
                timeout: .seconds(30))
            guard (200..<300).contains(response.status.code) else {
                throw DataplaneError("the API answered \(response.status.code): \(response.text.trimmingWhitespace)")
            }
            logger.info("left the mesh: Dataplane removed")
        } catch {
            logger.warning("could not remove the Dataplane; the control plane removes it once offline long enough",
                           metadata: ["error": "\(error)"])
        }
    }

    /// The subcommand a gateway pod's preStop hook runs: `drain --port PORT`.
    public static let drainSubcommand = "drain"

    /// `drain --port PORT`: asks the agent serving on `127.0.0.1:PORT` to drain its Envoy
    /// (`GET /drain`, which the agent serves only on loopback) and waits until it answered
    /// that the connections closed. Exit status 0 once drained, 1 otherwise.
    private static func runDrain(_ arguments: [String]) async throws -> Int32 {
        let values = arguments.count == 2 && arguments[0] == "--port" ? [arguments[1]]
            : arguments.count == 1 && arguments[0].hasPrefix("--port=") ? [String(arguments[0].dropFirst("--port=".count))] : []
        guard let text = values.first, let port = Int(text), (1...65535).contains(port) else {
            throw DataplaneError("drain: expected --port PORT (1-65535), the agent's metrics port")
        }
        // The agent waits at most 2 s for connections to close (`EnvoyAdmin.drain`); 30 s is
        // a pod's default termination grace period.
        let response = try await AgentHTTPClient().execute(AgentHTTPRequest(url: "http://127.0.0.1:\(port)/drain"), timeout: .seconds(30))
        guard response.status == .ok else {
            throw DataplaneError("drain: the agent answered \(response.status.code): \(response.text.trimmingWhitespace)")
        }
        return 0
    }

    /// `envoy-keeper --log-file FILE --admin-address-path FILE --pid-file FILE -- ENVOY [ARGUMENTS...]`.
    private static func runKeeper(_ arguments: [String]) async throws -> Int32 {
        LogFormat.text.bootstrap(level: .info)
        var values: [String: String] = [:]
        var index = 0
        while index < arguments.count, arguments[index] != "--" {
            let name = arguments[index]
            guard ["--log-file", "--admin-address-path", "--pid-file"].contains(name), index + 1 < arguments.count else {
                throw DataplaneError("envoy-keeper: unexpected argument \(name)")
            }
            values[name] = arguments[index + 1]
            index += 2
        }
        let command = Array(arguments.dropFirst(index + 1))
        guard let binary = command.first, let logPath = values["--log-file"], let adminAddressPath = values["--admin-address-path"],
              let pidPath = values["--pid-file"] else {
            throw DataplaneError("envoy-keeper: expected --log-file, --admin-address-path, --pid-file, then -- ENVOY [ARGUMENTS...]")
        }
        let logger = Logger(label: "gatehouse.envoy-keeper")
        let keeper = EnvoyKeeper(binary: binary, arguments: Array(command.dropFirst()), logPath: logPath,
                                 adminAddressPath: adminAddressPath, pidPath: pidPath, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: keeper, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        return keeper.exitStatus
    }

    private static func writeError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = write(STDERR_FILENO, &bytes, bytes.count)
    }
}
