import APIServer
import ArgumentParser
import ControlPlane
import Foundation
import GatewayModel
import KubernetesClient
import Logging
import ServiceLifecycle
import WebConsole

/// `gatehouse run --kubernetes`: the same controllers against a Kubernetes API server. The
/// store is the API server seen through watches (`KubernetesObjectStore`); replicas elect a
/// leader with a Lease in the system namespace and only the leader writes (`LeaderGatedStore`);
/// every replica serves dataplane config over TLS, with a CA shared through a Secret in the
/// system namespace; gateway pods authenticate with their service-account tokens (TokenReview).
enum KubernetesMode {
    /// The kinds the controllers read: everything the translation, the infrastructure and the
    /// sidecars need (not Events, RBAC, CRDs or Leases).
    static let watchedKinds: [ResourceKind] = ResourceKinds.all.filter { kind in
        ![ResourceKinds.event, ResourceKinds.eventV1, ResourceKinds.lease, ResourceKinds.serviceAccount, ResourceKinds.role,
          ResourceKinds.clusterRole, ResourceKinds.roleBinding, ResourceKinds.clusterRoleBinding,
          ResourceKinds.customResourceDefinition].contains(kind)
    }

    /// What the store lists and watches: every kind above, and of the Secrets only the TLS ones
    /// (certificates Gateways refer to) and those of the system namespace (the mesh-secret
    /// copies, the CA): a cluster's other Secrets never reach this process.
    static func watched(systemNamespace: String) -> [WatchedKind] {
        watchedKinds.filter { $0 != ResourceKinds.secret }.map { WatchedKind($0) } + [
            WatchedKind(ResourceKinds.secret, fieldSelector: "type=kubernetes.io/tls,metadata.namespace!=\(systemNamespace)"),
            WatchedKind(ResourceKinds.secret, namespaces: [systemNamespace]),
        ]
    }

    /// `authentication.k8s.io/v1` TokenReview (create only).
    static let tokenReview = ResourceKind(group: "authentication.k8s.io", versions: ["v1"], kind: "TokenReview", plural: "tokenreviews",
                                          namespaced: false, hasStatusSubresource: false)

    /// The Secret holding the control plane's CA (`ca.crt`, `ca.key`), shared by its replicas.
    static let authoritySecret = "gatehouse-control-plane-ca"

    /// The serving identity of this replica: its own certificate for `hosts`, signed by the CA
    /// every replica shares (made by the first replica and stored in the system namespace).
    static func sharedIdentity(client: KubernetesClient, namespace: String, directory: URL, hosts: [String],
                               logger: Logger) async throws -> ServingIdentity {
        let tlsDirectory = directory.appendingPathComponent("control-plane-tls")
        for attempt in 0..<5 {
            if attempt > 0 { try await Task.sleep(for: .milliseconds(200 << attempt)) }
            if let secret = try await client.get(ResourceKinds.secret, namespace: namespace, name: authoritySecret),
               let certificate = decoded(secret, "ca.crt"), let key = decoded(secret, "ca.key") {
                try FileManager.default.createDirectory(at: tlsDirectory, withIntermediateDirectories: true)
                // The CA may be another replica's: the serving certificate is issued again under it.
                for (name, text) in [("ca.crt", certificate), ("ca.key", key)] {
                    let url = tlsDirectory.appendingPathComponent(name)
                    if (try? String(contentsOf: url, encoding: .utf8)) != text {
                        try Data(text.utf8).write(to: url, options: .atomic)
                        try? FileManager.default.removeItem(at: tlsDirectory.appendingPathComponent("server.crt"))
                    }
                }
                return try ServingIdentity.loadOrCreate(in: tlsDirectory, hosts: hosts)
            }
            let identity = try ServingIdentity.loadOrCreate(in: tlsDirectory, hosts: hosts)
            let key = try String(contentsOf: tlsDirectory.appendingPathComponent("ca.key"), encoding: .utf8)
            let secret: JSONValue = [
                "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                "metadata": ["name": .string(authoritySecret), "namespace": .string(namespace),
                             "labels": ["gatehouse.io/managed-by": "gatehouse"]],
                "data": ["ca.crt": .string(Data(identity.authorityPEM.utf8).base64EncodedString()),
                         "ca.key": .string(Data(key.utf8).base64EncodedString())],
            ]
            let created = await createUnlessExists(client: client, secret: secret, namespace: namespace)
            switch created {
            case .success(true):
                logger.info("created the control plane's CA", metadata: ["secret": "\(namespace)/\(authoritySecret)"])
                return identity
            case .success(false):
                // Another replica made it first: theirs is read at the next round.
                continue
            case .failure(let error):
                throw error
            }
        }
        throw KubernetesModeError("could not read or create the CA Secret \(namespace)/\(authoritySecret)")
    }

    /// Creates `secret`: true, false when it exists already, or the failure.
    private static func createUnlessExists(client: KubernetesClient, secret: JSONValue, namespace: String) async -> Result<Bool, KubernetesError> {
        do {
            _ = try await client.create(ResourceKinds.secret, secret, namespace: namespace)
            return .success(true)
        } catch {
            return error.isAlreadyExists ? .success(false) : .failure(error)
        }
    }

    private static func decoded(_ secret: JSONValue, _ key: String) -> String? {
        guard let encoded = secret[path: ["data", key]]?.stringValue, let data = Data(base64Encoded: encoded) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A failure setting up Kubernetes mode.
struct KubernetesModeError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs the Lease election and, each time this replica becomes the leader (once the cache
/// holds every watched kind), makes the controllers write everything.
struct LeadershipService: ServiceLifecycle.Service {
    let elector: LeaseElector
    let store: KubernetesObjectStore
    let onLeading: @Sendable () async -> Void
    let logger: Logger

    func run() async throws {
        // Graceful shutdown cancels the election, which releases the lease, so another replica
        // takes over at once instead of after the lease duration.
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await elector.run() }
                group.addTask {
                    for await leading in elector.changes() where leading {
                        _ = await store.waitUntilSynced(timeout: .seconds(3600))
                        guard elector.isLeader else { continue }
                        logger.info("leading: writing status and generated objects")
                        await onLeading()
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }
}

extension RunCommand {
    /// The control plane against a Kubernetes API server (see `KubernetesMode`).
    func runKubernetes(host: String, port: Int, directory: URL, logger: Logger) async throws {
        var configuration: KubernetesConfiguration
        do {
            configuration = try KubernetesConfiguration.standard(kubeconfig: kubernetesMode.kubeconfig)
            configuration.queriesPerSecond = kubernetesMode.kubeAPIQPS
            configuration.burst = kubernetesMode.kubeAPIBurst
        } catch {
            logger.critical("cannot configure the Kubernetes client", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let client = try KubernetesClient(configuration: configuration)
        let store = KubernetesObjectStore(client: client, kinds: KubernetesMode.watched(systemNamespace: systemNamespace),
                                          namespaces: kubernetesMode.namespaces)
        let replica = ProcessInfo.processInfo.environment["POD_NAME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())"
        let lease = RequestTimeout.parse(kubernetesMode.leaseDuration) ?? .seconds(15)
        // The election has a client (and a rate limit) of its own: a burst of status writes must
        // never delay a renewal past the renew deadline.
        let electionClient = try KubernetesClient(configuration: configuration)
        let elector = LeaseElector(client: electionClient, configuration: LeaseElectionConfiguration(
            leaseName: "gatehouse-control-plane", namespace: systemNamespace, identity: replica,
            leaseDuration: lease, renewDeadline: lease * 2 / 3, retryPeriod: lease * 2 / 15))
        // Writes only while leading, and only once the cache holds everything (a pass over a
        // half-filled cache would remove generated objects it has not seen yet).
        let gated = LeaderGatedStore(store, isLeader: { elector.isLeader && store.isSynced })

        let agentHost = (host == "0.0.0.0" || host.isEmpty) ? "127.0.0.1" : host
        let url = kubernetesMode.controlPlaneURL ?? "https://\(agentHost):\(port)"
        let urlHost = URL(string: url)?.host ?? agentHost
        let identity: ServingIdentity
        do {
            identity = try await KubernetesMode.sharedIdentity(
                client: client, namespace: systemNamespace, directory: directory,
                hosts: Array(Set(["localhost", "127.0.0.1", agentHost, urlHost])).sorted(), logger: logger)
        } catch {
            logger.critical("cannot set up the control plane's TLS", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        let tokenIssuer = try DataplaneTokenIssuer.loadOrCreate(in: directory)
        let options = TranslationOptions(systemNamespace: systemNamespace, maxReplicas: maxReplicas)
        var settings = StandaloneControlPlane.Settings(
            executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path, controlPlaneURL: url,
            dataDirectory: directory.path, envoyBinary: envoy ?? "envoy", logLevel: logLevel, tokenIssuer: tokenIssuer)
        settings.controlPlaneCACertificate = identity.authorityPEM
        settings.runsLocalRuntime = false
        settings.agentProbePort = kubernetesMode.dataplaneProbePort == 0 ? nil : kubernetesMode.dataplaneProbePort
        settings.offlineDataplaneGrace = .seconds(offlineDataplaneGrace)
        settings.eventTTL = RequestTimeout.parse(eventTTL) ?? .seconds(3600)
        settings.logFormat = logFormat.rawValue
        settings.podAuthenticator = PodTokenAuthenticator(store: gated) { token in
            let review: JSONValue = ["apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": ["token": .string(token)]]
            return try await client.create(KubernetesMode.tokenReview, review)["status"] ?? .null
        }
        let controlPlane = StandaloneControlPlane(store: gated, options: options, settings: settings, logger: logger)
        let leadership = LeadershipService(elector: elector, store: store, onLeading: {
            // The default mesh exists from the first start, as in Kuma.
            await StandaloneControlPlane.bootstrapMesh(store: gated, options: options, logger: logger)
            controlPlane.resumeWriting()
        }, logger: logger)
        let server = KubernetesAPIServer(
            store: gated, host: host, port: port, logger: logger, systemNamespace: systemNamespace,
            extensions: [controlPlane.apiExtension, controlPlane.inspectExtension, MetricsEndpoint(),
                         WebConsole(store: gated, inspector: controlPlane.inspector, systemNamespace: systemNamespace, logger: logger)],
            identity: identity, servesResources: false) { bound in
            logger.info("control plane listening (Kubernetes mode)", metadata: ["address": "\(host):\(bound)", "replica": "\(replica)"])
        }
        let services: [ServiceGroupConfiguration.ServiceConfiguration] =
            [.init(service: store), .init(service: server), .init(service: leadership)] + controlPlane.services.map { .init(service: $0) }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await client.shutdown()
        await electionClient.shutdown()
        logger.info("stopped")
    }
}
