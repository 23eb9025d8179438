import APIServer
import Foundation
import GatewayModel
import InfraRenderer
import LocalRuntime
import Logging
import ResourceStore
import ServiceLifecycle
import Synchronization
import Telemetry

/// The standalone control plane's parts, wired together: the dataplane protocol endpoints (to
/// mount on the API server), the reconciler, the infrastructure controller and standalone's local runtime.
public struct StandaloneControlPlane: Sendable {
    /// Where and how local gateways run.
    public struct Settings: Sendable {
        /// The `gatehouse` executable (agents are started as `gatehouse dataplane`).
        public var executable: String
        /// The API URL agents connect to.
        public var controlPlaneURL: String
        /// The data directory (gateway pods run under `<dataDirectory>/pods`).
        public var dataDirectory: String
        /// The Envoy binary.
        public var envoyBinary: String
        /// Agents' log level.
        public var logLevel: String
        /// How long a sidecar's Dataplane stays after its sidecar went offline.
        public var offlineDataplaneGrace: Duration = .seconds(60)
        /// The pool LoadBalancer Services (gateways' included) get addresses from.
        public var addressPool: AddressPool?
        /// The pool Services get cluster IPs from.
        public var servicePool: AddressPool?
        /// Whether a clean stop leaves the gateway pods serving (a crash always does; the next
        /// start adopts them).
        public var keepDataplanes = false
        /// How long Events are kept after they were last seen (kube-apiserver's `--event-ttl`).
        public var eventTTL: Duration = .seconds(3600)
        /// Signs and checks the tokens dataplanes present (`DataplaneTokenIssuer.loadOrCreate`).
        public var tokenIssuer: DataplaneTokenIssuer
        /// Agents' log format (`text` or `json`).
        public var logFormat: String = "text"
        /// The CA certificate (PEM) of an `https` control plane URL, which gateway pods trust.
        public var controlPlaneCACertificate: String?
        /// Whether the controllers run (`gatehouse run --controllers all`); without them the
        /// process is a cluster in miniature for a Kubernetes-mode control plane: the API and
        /// the local runtime only (`--controllers none`).
        public var runsControllers = true
        /// Whether this process runs the gateway pods itself (standalone's local runtime);
        /// false in Kubernetes mode, where the cluster runs them.
        public var runsLocalRuntime = true
        /// Kubernetes mode: gateway pods authenticate with their service-account tokens,
        /// reviewed by the API server, instead of a token Secret the control plane writes into
        /// each Gateway's namespace.
        public var podAuthenticator: PodTokenAuthenticator?
        /// Kubernetes mode: the port gateway pods' agents serve metrics and probes on (each pod
        /// has its own address there); nil: a free loopback port (standalone's shared network).
        public var agentProbePort: Int?
        /// What the local runtime projects into pods for their service accounts (standalone
        /// as a cluster); nil: nothing.
        public var serviceAccounts: ServiceAccountProjection?

        /// Creates settings.
        public init(executable: String, controlPlaneURL: String, dataDirectory: String, envoyBinary: String, logLevel: String,
                    tokenIssuer: DataplaneTokenIssuer) {
            self.tokenIssuer = tokenIssuer
            self.executable = executable
            self.controlPlaneURL = controlPlaneURL
            self.dataDirectory = dataDirectory
            self.envoyBinary = envoyBinary
            self.logLevel = logLevel
        }
    }

    /// Endpoints to pass to `KubernetesAPIServer(extensions:)`.
    public let apiExtension: any APIExtension
    /// The read-only inspection endpoints (`/gatehouse/v1/inspect/`), also for the API server.
    public let inspectExtension: any APIExtension
    /// What each proxy is given and what its agents reported (the web console reads it).
    public let inspector: ProxyInspector
    /// Services to run after the API server (they stop before it).
    public let services: [any ServiceLifecycle.Service]
    /// Makes the controllers write everything again (a replica that became the leader).
    public let resumeWriting: @Sendable () -> Void

    /// Builds the parts over `store`.
    public init(store: any ObjectStore, options: TranslationOptions, settings: Settings, logger: Logger) {
        let cache = ProxyConfigCache { message, metadata in
            logger.warning("\(message)", metadata: metadata.mapValues { .string($0) })
        }
        let reconcilerBox = ReconcilerBox()
        let events = EventRecorder(store: store, ttl: settings.eventTTL, logger: logger)
        let registry = DataplaneRegistry(onChange: { reconcilerBox.reconciler?.markDirty() },
                                         onStatusChange: { reconcilerBox.reconciler?.markStatusDirty() }, events: events)
        // Pods adopted from an earlier run serve on: their Gateways stay Programmed while their
        // agents reconnect.
        AdoptedPods.presume(in: registry, store: store)
        // Gateway pods' agents log in the control plane's format and serve metrics on a free
        // loopback port (pods share the host's network in standalone), which they report.
        let infra = InfraController(
            store: store, registry: registry,
            options: InfraOptions(controlPlaneURL: settings.controlPlaneURL, logLevel: settings.logLevel,
                                  extraAgentArguments: ["--log-format=\(settings.logFormat)",
                                                        "--metrics-address=\(settings.agentProbePort.map { "0.0.0.0:\($0)" } ?? "127.0.0.1:0")"],
                                  controlPlaneCACertificate: settings.controlPlaneCACertificate,
                                  tokenFromSecret: settings.podAuthenticator == nil, agentProbePort: settings.agentProbePort),
            tokenIssuer: settings.podAuthenticator == nil ? settings.tokenIssuer : nil, events: events, logger: logger)
        var runtimeSettings = LocalRuntime.Settings(
            executable: settings.executable, directory: settings.dataDirectory + "/pods", addressPool: settings.addressPool,
            servicePool: settings.servicePool,
            nodeEnvironment: ["GATEHOUSE_ENVOY": settings.envoyBinary], keepPodsRunning: settings.keepDataplanes)
        runtimeSettings.serviceAccount = settings.serviceAccounts
        let runtime = LocalRuntime(store: store, settings: runtimeSettings, logger: logger)
        let reconciler = Reconciler(store: store, cache: cache, registry: registry, infra: infra, options: options, logger: logger,
                                    offlineDataplaneGrace: settings.offlineDataplaneGrace, events: events)
        reconcilerBox.reconciler = reconciler
        apiExtension = DataplaneEndpoints(cache: cache, registry: registry, issuer: settings.tokenIssuer, store: store, logger: logger,
                                          pods: settings.podAuthenticator)
        inspector = ProxyInspector(cache: cache, registry: registry)
        inspectExtension = InspectEndpoints(inspector: inspector)
        // The local runtime stops first (ServiceGroup stops in reverse order) so agents can
        // still report while they drain; the event recorder last, so it writes what they reported.
        let controllers: [any ServiceLifecycle.Service] = [events, ObjectCountMetrics(store: store), reconciler, infra]
        let trimmer = HeapTrimmer(logger: logger) { store.resourceVersion }
        services = (settings.runsControllers ? controllers : [ObjectCountMetrics(store: store)]) + (settings.runsLocalRuntime ? [runtime] : [])
            + [trimmer]
        resumeWriting = {
            reconciler.resumeWriting()
            infra.wakeUp()
        }
    }

    /// The namespaces every Kubernetes cluster has, which manifests and clients take for
    /// granted (`kubectl apply` of a manifest without a namespace writes into `default`).
    public static let standardNamespaces = ["default", "kube-system", "kube-public"]

    /// Objects every standalone store starts with: the system namespace and the standard
    /// namespaces (created whenever absent, as Kubernetes' own controller keeps them), and on a
    /// fresh store the default Mesh and the default GatewayClass `kuma` (a user may delete them
    /// later; they are not recreated).
    public static func bootstrap(store: any ObjectStore, options: TranslationOptions, logger: Logger, withDefaults: Bool = true) async {
        let fresh = store.resourceVersion == 0
        for namespace in [options.systemNamespace] + standardNamespaces
        where store.get(ResourceKinds.namespace, namespace: nil, name: namespace) == nil {
            do {
                try await store.create(ResourceKinds.namespace, ["metadata": ["name": .string(namespace)]])
            } catch {
                logger.warning("could not create a standard namespace",
                               metadata: LogMetadata.object("Namespace", namespace: nil, name: namespace).merging(["error": "\(error)"]) { $1 })
            }
        }
        // A cluster without the controllers has neither (their install creates them).
        guard withDefaults else { return }
        if fresh { await bootstrapMesh(store: store, options: options, logger: logger) }
        if fresh && store.get(ResourceKinds.gatewayClass, namespace: nil, name: "kuma") == nil {
            let gatewayClass: JSONValue = [
                "metadata": ["name": "kuma"],
                "spec": ["controllerName": .string(options.controllerName), "description": "Gatehouse built-in gateways (Envoy)"],
            ]
            do {
                try await store.create(ResourceKinds.gatewayClass, gatewayClass)
                logger.info("created the default GatewayClass kuma", metadata: LogMetadata.object("GatewayClass", namespace: nil, name: "kuma"))
            } catch {
                logger.warning("could not create the default GatewayClass",
                               metadata: LogMetadata.object("GatewayClass", namespace: nil, name: "kuma").merging(["error": "\(error)"]) { $1 })
            }
        }
    }
}

extension StandaloneControlPlane {
    /// Creates the default Mesh when it does not exist: it exists from the first start, as in
    /// Kuma (in Kubernetes mode, the leader makes sure of it whenever it starts leading).
    public static func bootstrapMesh(store: any ObjectStore, options: TranslationOptions, logger: Logger) async {
        guard store.get(ResourceKinds.mesh, namespace: nil, name: options.defaultMesh) == nil else { return }
        do {
            try await store.create(ResourceKinds.mesh, ["metadata": ["name": .string(options.defaultMesh)]])
        } catch where error.code != .alreadyExists {
            logger.warning("could not create the default Mesh",
                           metadata: LogMetadata.object("Mesh", namespace: nil, name: options.defaultMesh).merging(["error": "\(error)"]) { $1 })
        } catch {}
    }
}

/// Breaks the init-order cycle between the registry (which wakes the reconciler) and the
/// reconciler (which reads the registry).
private final class ReconcilerBox: Sendable {
    private let stored = Mutex<Reconciler?>(nil)
    var reconciler: Reconciler? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}
