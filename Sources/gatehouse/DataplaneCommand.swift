import ArgumentParser
import Dataplane
import Foundation
import Logging
import Telemetry

/// `gatehouse dataplane`: the agent beside one Envoy (started by the control plane in
/// standalone mode; the gateway pod's entrypoint on Kubernetes).
struct DataplaneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dataplane", abstract: "Run the agent that programs and supervises one Envoy.")

    @Option(help: "The control plane's URL.")
    var controlPlane: String = "http://127.0.0.1:5681"

    @Option(help: "The Gateway this proxy serves, as namespace/name.")
    var gateway: String

    @Option(help: "This replica's name: its pod's name (the gateway's Deployment passes $(POD_NAME)).")
    var replica: String = "0"

    @Option(help: "Working directory (bootstrap, xDS files, Envoy log); the current directory by default (a pod's working directory).")
    var workDir: String = "."

    @Option(help: "The Envoy binary (default: $GATEHOUSE_ENVOY, the project's .venv, or PATH).")
    var envoy: String?

    @Option(help: "Log level.")
    var logLevel: String = "info"

    @Option(help: "Log format: text or json (one JSON object per line).")
    var logFormat: LogFormat = .text

    @Option(help: "host:port of the agent's metrics port (/metrics: agent and Envoy stats; /config_dump); port 0 picks a free one. Reported to the control plane.")
    var metricsAddress: String?

    @Option(help: "Stop (draining Envoy) when this process is no longer the parent.")
    var parentPid: Int32?

    @Option(help: "The file holding this agent's dataplane token (re-read at each connection); without it, $GATEHOUSE_DATAPLANE_TOKEN (a gateway pod's environment, from the token Secret the control plane keeps for its Gateway).")
    var tokenFile: String?

    @Option(help: "The CA certificate file (PEM) an https control plane's certificate must chain to; without it, $GATEHOUSE_CONTROL_PLANE_CA_CERT (the PEM itself, as a gateway pod's environment gives it), else the system's roots.")
    var caCertFile: String?

    func validate() throws {
        guard gateway.split(separator: "/").count == 2 else { throw ValidationError("--gateway: expected namespace/name, got \"\(gateway)\"") }
        guard !replica.isEmpty, !replica.contains("/") else { throw ValidationError("--replica: expected a pod name, got \"\(replica)\"") }
        if let metricsAddress { try validateMetricsAddress(metricsAddress) }
    }

    /// Where the token comes from: `--token-file`, else `$GATEHOUSE_DATAPLANE_TOKEN`, else the
    /// pod's projected service-account token (Kubernetes mode: in
    /// `$GATEHOUSE_SERVICE_ACCOUNT_DIR`, or `/var/run/secrets/kubernetes.io/serviceaccount`),
    /// re-read at each connection as the kubelet rotates it.
    func tokenSource() throws -> DataplaneConfiguration.TokenSource {
        if let tokenFile { return .file(tokenFile) }
        let environment = ProcessInfo.processInfo.environment
        if let token = environment[Self.tokenVariable], !token.isEmpty { return .value(token) }
        let accountDirectory = environment["GATEHOUSE_SERVICE_ACCOUNT_DIR"] ?? "/var/run/secrets/kubernetes.io/serviceaccount"
        if FileManager.default.isReadableFile(atPath: accountDirectory + "/token") { return .file(accountDirectory + "/token") }
        throw ValidationError("a dataplane token is required: --token-file FILE, $\(Self.tokenVariable), or a service account token in \(accountDirectory)")
    }

    /// The environment variable a gateway pod's token arrives in.
    static let tokenVariable = "GATEHOUSE_DATAPLANE_TOKEN"

    /// The control plane's CA certificate: `--ca-cert-file`, else
    /// `$GATEHOUSE_CONTROL_PLANE_CA_CERT`, else none.
    func controlPlaneAuthority() throws -> String? {
        if let caCertFile {
            do {
                return try String(contentsOfFile: caCertFile, encoding: .utf8)
            } catch {
                throw ValidationError("--ca-cert-file: cannot read \(caCertFile): \(error)")
            }
        }
        let inline = ProcessInfo.processInfo.environment["GATEHOUSE_CONTROL_PLANE_CA_CERT"] ?? ""
        return inline.isEmpty ? nil : inline
    }

    /// Checks what the agent needs, then becomes the `gatehouse-dataplane` agent (same
    /// process: see `AgentExecutable`).
    func run() async throws {
        bootstrapLogging(level: logLevel, format: logFormat)
        var logger = Logger(label: "gatehouse.dataplane")
        let parts = gateway.split(separator: "/").map(String.init)
        logger[metadataKey: "kind"] = "Gateway"
        logger[metadataKey: "namespace"] = .string(parts.first ?? "")
        logger[metadataKey: "name"] = .string(parts.last ?? "")
        logger[metadataKey: "replica"] = "\(replica)"
        let binary = try locateEnvoy(envoy, logger: logger)
        // Absolute: Envoy runs with its config directory as working directory.
        let directory = URL(fileURLWithPath: workDir, isDirectory: true).standardizedFileURL.path
        var invocation = AgentInvocation(controlPlane: controlPlane, kind: .gateway, proxy: gateway, workDirectory: directory,
                                         envoyBinary: binary)
        invocation.replica = replica
        invocation.parentPID = parentPid
        invocation.metricsAddress = metricsAddress
        invocation.logLevel = logLevel
        invocation.logFormat = logFormat.rawValue
        var environment: [String: String] = [:]
        switch try tokenSource() {
        case .file(let path): invocation.tokenFile = path
        case .value(let token): environment[AgentInvocation.Environment.token] = token
        }
        if let authority = try controlPlaneAuthority() { environment[AgentInvocation.Environment.controlPlaneCACertificate] = authority }
        try becomeAgent(invocation, environment: environment, logger: logger)
    }
}

/// Replaces this process with the `gatehouse-dataplane` agent; on failure, says why and exits 1.
func becomeAgent(_ invocation: AgentInvocation, environment: [String: String], logger: Logger) throws -> Never {
    do {
        try AgentExecutable.exec(try AgentExecutable.path(), arguments: invocation.arguments, environment: environment)
    } catch {
        logger.critical("\(error)")
        throw ExitCode(1)
    }
}

/// The Envoy binary to run (`--envoy`, `$GATEHOUSE_ENVOY`, the project's venv, or PATH); when
/// there is none, says so and exits 1.
func locateEnvoy(_ explicit: String?, logger: Logger) throws -> String {
    do {
        return try EnvoyLocator.find(explicit: explicit)
    } catch {
        logger.critical("\(error)")
        throw ExitCode(1)
    }
}

