import ArgumentParser
import Dataplane
import Logging
import ServiceLifecycle
import Telemetry

/// `gatehouse envoy-keeper`: the parent of one Envoy, started by the dataplane agent (hidden:
/// not for users). See `EnvoyKeeper`.
struct EnvoyKeeperCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "envoy-keeper", abstract: "Run one Envoy for a dataplane agent, draining it if the agent dies.",
        shouldDisplay: false)

    @Option(help: "Where Envoy's output goes (appended).")
    var logFile: String

    @Option(help: "The file Envoy writes its admin address to (its --admin-address-path).")
    var adminAddressPath: String

    @Option(help: "Where to record Envoy's process id.")
    var pidFile: String

    @Argument(parsing: .captureForPassthrough, help: "The Envoy binary and its arguments, after --.")
    var envoy: [String]

    func run() async throws {
        bootstrapLogging(level: "info", format: .text)
        let command = envoy.first == "--" ? Array(envoy.dropFirst()) : envoy
        guard let binary = command.first else { throw ValidationError("expected -- ENVOY [ARGUMENTS...]") }
        let logger = Logger(label: "gatehouse.envoy-keeper")
        let keeper = EnvoyKeeper(binary: binary, arguments: Array(command.dropFirst()), logPath: logFile,
                                 adminAddressPath: adminAddressPath, pidPath: pidFile, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: keeper, successTerminationBehavior: .gracefullyShutdownGroup)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        throw ExitCode(keeper.exitStatus)
    }
}
