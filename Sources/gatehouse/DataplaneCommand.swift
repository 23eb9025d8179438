import ArgumentParser
import Dataplane
import Foundation
import Logging
import ServiceLifecycle
import Telemetry

/// `gatehouse dataplane`: the agent beside one Envoy (started by the control plane in
/// standalone mode; the gateway pod's entrypoint on Kubernetes).
struct DataplaneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dataplane", abstract: "Run the agent that programs and supervises one Envoy.")

    @Option(help: "The control plane's URL.")
    var controlPlane: String = "http://127.0.0.1:5681"

    @Option(help: "The Gateway this proxy serves, as namespace/name.")
    var gateway: String

    @Option(help: "Replica number of this proxy.")
    var replica: Int = 0

    @Option(help: "Working directory (bootstrap, xDS files, Envoy log).")
    var workDir: String

    @Option(help: "The Envoy binary (default: $GATEHOUSE_ENVOY, the project's .venv, or PATH).")
    var envoy: String?

    @Option(help: "Log level.")
    var logLevel: String = "info"

    @Option(help: "Log format: text or json (one JSON object per line).")
    var logFormat: LogFormat = .text

    @Option(help: "host:port of the agent's metrics port (/metrics: agent and Envoy stats; /config_dump); port 0 picks a free one. Reported to the control plane.")
    var metricsAddress: String?

    @Option(help: "Stop (draining Envoy) when this process is no longer the parent: set by a standalone control plane, so no agent outlives it.")
    var parentPid: Int32?

    func validate() throws {
        guard gateway.split(separator: "/").count == 2 else { throw ValidationError("--gateway: expected namespace/name, got \"\(gateway)\"") }
        if let metricsAddress { try validateMetricsAddress(metricsAddress) }
    }

    func run() async throws {
        bootstrapLogging(level: logLevel, format: logFormat)
        Telemetry.bootstrapMetrics()
        var logger = Logger(label: "gatehouse.dataplane")
        // Every line of the agent is about its Gateway.
        let parts = gateway.split(separator: "/").map(String.init)
        logger[metadataKey: "kind"] = "Gateway"
        logger[metadataKey: "namespace"] = .string(parts.first ?? "")
        logger[metadataKey: "name"] = .string(parts.last ?? "")
        logger[metadataKey: "replica"] = "\(replica)"
        let binary = try locateEnvoy(envoy, logger: logger)
        try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true)
        let agent = try DataplaneAgent(
            configuration: DataplaneConfiguration(controlPlane: controlPlane, gateway: gateway, replica: replica,
                                                  workDirectory: workDir, envoyBinary: binary, parentPID: parentPid,
                                                  metricsAddress: metricsAddress),
            logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: agent)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
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

