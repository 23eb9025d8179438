import APIServer
import ArgumentParser
import Foundation
import GatewayModel
import Logging
import ResourceStore
import ServiceLifecycle

/// `gatehouse run`: the control plane in the foreground (standalone mode).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the control plane (standalone: API + store).")

    @Option(help: "Where the SQLite store and runtime files live.")
    var dataDir: String = ".gatehouse"

    @Option(help: "host:port of the Kubernetes-compatible API.")
    var apiAddress: String = "127.0.0.1:5681"

    @Option(help: "IPv4 CIDR (inside 127.0.0.0/8) from which Gateways get their addresses.")
    var addressPool: String = "127.0.100.0/24"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        _ = try parsedAPIAddress()
        let pool: AddressPool
        do {
            pool = try AddressPool(cidr: addressPool)
        } catch {
            throw ValidationError("--address-pool: \(error)")
        }
        guard pool.isLoopback else {
            throw ValidationError("--address-pool: \(pool) is not inside 127.0.0.0/8; standalone Gateways listen on loopback addresses")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level: unknown level \"\(logLevel)\"")
        }
    }

    private func parsedAPIAddress() throws -> (host: String, port: Int) {
        guard let colon = apiAddress.lastIndex(of: ":"), let port = Int(apiAddress[apiAddress.index(after: colon)...]),
              (0...65535).contains(port) else {
            throw ValidationError("--api-address: expected host:port, got \"\(apiAddress)\"")
        }
        return (String(apiAddress[..<colon]), port)
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "gatehouse")
        let (host, port) = try parsedAPIAddress()
        let directory = URL(fileURLWithPath: dataDir, isDirectory: true)
        let store: SQLiteStore
        do {
            store = try SQLiteStore(directory: directory)
        } catch {
            logger.critical("cannot open the store", metadata: ["dataDir": "\(directory.path)", "error": "\(error)"])
            throw ExitCode(1)
        }
        logger.info("store opened", metadata: ["dataDir": "\(directory.path)", "resourceVersion": "\(store.resourceVersion)"])
        let api = KubernetesAPIServer(store: store, host: host, port: port, logger: logger) { bound in
            logger.info("API listening", metadata: ["address": "\(host):\(bound)"])
        }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: api)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
        logger.info("stopped")
    }
}
