import APIServer
import ArgumentParser
import ControlPlane
import Dataplane
import Foundation
import GatewayModel
import LocalRuntime
import Logging
import ResourceStore
import ServiceLifecycle
import Telemetry
import WebConsole

/// `gatehouse run`: the control plane in the foreground (standalone mode).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the control plane (standalone: API + store).")

    @Option(help: "Where the SQLite store and runtime files live.")
    var dataDir: String = ".gatehouse"

    @Option(help: "host:port of the Kubernetes-compatible API.")
    var apiAddress: String = "127.0.0.1:5681"

    @Option(help: "IPv4 CIDR (inside 127.0.0.0/8) from which Gateways get their addresses.")
    var addressPool: String = "127.0.100.0/24"

    @Option(help: "IPv4 CIDR from which Services get their cluster IPs (as a cluster's API server allocates them).")
    var serviceCidr: String = "10.96.0.0/16"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(help: "Log format: text or json (one JSON object per line; lines about an object carry kind, namespace and name).")
    var logFormat: LogFormat = .text

    @Option(help: "Namespace for copied secrets and generated mesh routes.")
    var systemNamespace: String = "kuma-system"

    @Option(help: "Seconds a mesh sidecar's Dataplane is kept after the sidecar went offline (then it is removed).")
    var offlineDataplaneGrace: Int = 60

    @Option(help: "The Envoy binary for local gateways (default: $GATEHOUSE_ENVOY, the project's .venv, or PATH).")
    var envoy: String?

    @Option(help: "How long Events are kept after they were last seen, as a Go duration (1h, 30m, 90s) or seconds.")
    var eventTTL: String = "1h"

    @Option(help: "The most gateway replicas (local agent and Envoy pairs) one Gateway may run; a MeshGatewayConfig asking for more leaves its GatewayClass not accepted.")
    var maxReplicas: Int = 16

    @Flag(help: "Serve the API over TLS with a CA of its own (kept in <data-dir>/secure-api) and refuse requests without the admin token (401), as a kube-apiserver without anonymous access; writes <data-dir>/admin.kubeconfig for kubectl and Kubernetes-mode control planes.")
    var secureAPI = false

    @Option(help: "Which controllers run: all (the control plane), or none (only the API and the local runtime that runs Deployments' pods: a cluster in miniature for `gatehouse run --kubernetes`).")
    var controllers: ControllerChoice = .all

    @OptionGroup(title: "Kubernetes mode")
    var kubernetesMode: KubernetesModeOptions

    @Flag(help: "On SIGTERM, leave the gateway pods (agents and Envoys) serving; the next start adopts them. After a crash they keep serving anyway.")
    var keepDataplanes = false

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
        do {
            _ = try AddressPool(cidr: serviceCidr)
        } catch {
            throw ValidationError("--service-cidr: \(error)")
        }
        guard offlineDataplaneGrace >= 1 else {
            throw ValidationError("--offline-dataplane-grace: expected at least 1 second, got \(offlineDataplaneGrace)")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level: unknown level \"\(logLevel)\"")
        }
        guard let ttl = RequestTimeout.parse(eventTTL), ttl > .zero else {
            throw ValidationError("--event-ttl: expected a positive duration such as 1h or 90s, got \"\(eventTTL)\"")
        }
        guard maxReplicas >= 1 else {
            throw ValidationError("--max-replicas: must be at least 1, got \(maxReplicas)")
        }
        if kubernetesMode.kubernetes && controllers == .none {
            throw ValidationError("--controllers none: a Kubernetes-mode control plane is its controllers; leave --controllers at all")
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
        // Everything this process and its children write under the data directory (the store,
        // the agents' certificate files) is for this user only.
        umask(0o077)
        AllocatorTuning.apply()
        bootstrapLogging(level: logLevel, format: logFormat)
        Telemetry.bootstrapMetrics()
        let logger = Logger(label: "gatehouse")
        let (host, port) = try parsedAPIAddress()
        let pool = try AddressPool(cidr: addressPool)
        let directory = URL(fileURLWithPath: dataDir, isDirectory: true).standardizedFileURL
        if kubernetesMode.kubernetes {
            try await runKubernetes(host: host, port: port, directory: directory, logger: logger)
            return
        }
        let envoyBinary: String
        do {
            envoyBinary = try EnvoyLocator.find(explicit: envoy)
        } catch {
            logger.critical("\(error)")
            throw ExitCode(1)
        }
        let store: SQLiteStore
        do {
            store = try SQLiteStore(directory: directory)
        } catch {
            logger.critical("cannot open the store", metadata: ["dataDir": "\(directory.path)", "error": "\(error)"])
            throw ExitCode(1)
        }
        logger.info("store opened", metadata: ["dataDir": "\(directory.path)", "resourceVersion": "\(store.resourceVersion)"])
        if (try? String(contentsOfFile: "/proc/sys/net/ipv4/tcp_migrate_req", encoding: .utf8))?.hasPrefix("0") == true {
            logger.warning("net.ipv4.tcp_migrate_req is 0: when a gateway pod stops, connections waiting in its accept queue are reset instead of moving to another replica (scripts/setup.sh enables it)")
        }
        let tokenIssuer: DataplaneTokenIssuer
        do {
            tokenIssuer = try DataplaneTokenIssuer.loadOrCreate(in: directory)
        } catch {
            logger.critical("\(error)")
            throw ExitCode(1)
        }
        let options = TranslationOptions(systemNamespace: systemNamespace, addressPool: pool, maxReplicas: maxReplicas)
        await StandaloneControlPlane.bootstrap(store: store, options: options, logger: logger, withDefaults: controllers == .all)
        let agentHost = (host == "0.0.0.0" || host.isEmpty) ? "127.0.0.1" : host
        let identity: ServingIdentity?
        do {
            identity = secureAPI ? try secureIdentity(in: directory, agentHost: agentHost, port: port) : nil
        } catch {
            logger.critical("cannot set up the secure API", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        var settings = StandaloneControlPlane.Settings(
            executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path,
            controlPlaneURL: "\(identity == nil ? "http" : "https")://\(agentHost):\(port)", dataDirectory: directory.path,
            envoyBinary: envoyBinary, logLevel: logLevel, tokenIssuer: tokenIssuer)
        settings.controlPlaneCACertificate = identity?.authorityPEM
        settings.runsControllers = controllers == .all
        // Standalone as a cluster: pods get service-account tokens the API can review.
        let serviceAccountTokens: ServiceAccountTokens
        do {
            serviceAccountTokens = try ServiceAccountTokens.loadOrCreate(in: directory, store: store)
        } catch {
            logger.critical("\(error)")
            throw ExitCode(1)
        }
        settings.serviceAccounts = ServiceAccountProjection(
            token: { pod in serviceAccountTokens.token(for: pod) }, authorityPEM: identity?.authorityPEM, apiHost: agentHost, apiPort: port)
        settings.offlineDataplaneGrace = .seconds(offlineDataplaneGrace)
        settings.addressPool = pool
        settings.servicePool = try AddressPool(cidr: serviceCidr)
        settings.keepDataplanes = keepDataplanes
        settings.eventTTL = RequestTimeout.parse(eventTTL) ?? .seconds(3600)
        settings.logFormat = logFormat.rawValue
        let controlPlane = StandaloneControlPlane(store: store, options: options, settings: settings, logger: logger)
        let extensions: [any APIExtension] = (controllers == .all
            ? [controlPlane.apiExtension, controlPlane.inspectExtension, MetricsEndpoint(),
               WebConsole(store: store, inspector: controlPlane.inspector, systemNamespace: systemNamespace, logger: logger)]
            : [MetricsEndpoint()]) + [TokenReviewEndpoint(tokens: serviceAccountTokens)]
        let api = KubernetesAPIServer(store: store, host: host, port: port, logger: logger, systemNamespace: systemNamespace,
                                      extensions: extensions, identity: identity) { bound in
            logger.info("API listening", metadata: ["address": "\(host):\(bound)"])
        }
        let services: [ServiceGroupConfiguration.ServiceConfiguration] =
            [.init(service: api)] + controlPlane.services.map { .init(service: $0) }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("stopped")
    }

    /// The secure API's identity (its certificate names `localhost`, 127.0.0.1 and the API
    /// host), and `<data-dir>/admin.kubeconfig` written for it (0600).
    private func secureIdentity(in directory: URL, agentHost: String, port: Int) throws -> ServingIdentity {
        let hosts = Array(Set(["localhost", "127.0.0.1", agentHost])).sorted()
        let identity = try ServingIdentity.loadOrCreate(in: directory.appendingPathComponent("secure-api"), hosts: hosts)
        let kubeconfig = directory.appendingPathComponent("admin.kubeconfig")
        try PrivateFile.write(Array(identity.kubeconfig(server: "https://\(agentHost):\(port)").utf8), to: kubeconfig.path, durable: false)
        return identity
    }
}

/// `gatehouse run --controllers`.
enum ControllerChoice: String, ExpressibleByArgument, CaseIterable {
    /// The whole control plane.
    case all
    /// Only the API and the local runtime.
    case none
}
