import Foundation
import GatewayModel
import Logging
import ResourceStore
import ServiceLifecycle
import Telemetry

/// Standalone's provider of infrastructure: a one-node Kubernetes in miniature over the
/// store. It plays the controllers a cluster would run for the objects Gatehouse generates:
/// - the Deployment controller (`DeploymentPlanner`): pods per Deployment, rolling updates,
///   Deployment status;
/// - the kubelet (`PodSupervisor`): each pod's container as a local process, restarted with
///   backoff, pod status with `podIP` and readiness (including readiness gates);
/// - a load-balancer controller (`LoadBalancerAllocator`): LoadBalancer Services get an
///   address from the pool in `status.loadBalancer.ingress`;
/// - the garbage collector (`GarbageCollector`): dependents of deleted owners are deleted.
///
/// One task converges (coalesced wake-ups from the store's watch, process exits and restart
/// timers), so two passes never act on the same observation.
public final class LocalRuntime: ServiceLifecycle.Service, Sendable {
    /// How the runtime runs.
    public struct Settings: Sendable {
        /// This executable: what `gatehouse` images run.
        public var executable: String
        /// Where pods' directories live (`<data-dir>/pods`).
        public var directory: String
        /// The pool LoadBalancer Services get addresses from; nil: none are assigned.
        public var addressPool: AddressPool?
        /// The pool Services get their cluster IPs from; nil: none are assigned.
        public var servicePool: AddressPool?
        /// Environment every container gets from its node (`GATEHOUSE_ENVOY`).
        public var nodeEnvironment: [String: String]
        /// The node's name (`spec.nodeName`).
        public var nodeName: String
        /// Pods run in the host's network: their IP is the node's.
        public var podIP: String
        /// The longest a container gets between SIGTERM and SIGKILL.
        public var maximumTerminationGrace: Duration
        /// Whether a clean stop leaves the pods running (`gatehouse run --keep-dataplanes`);
        /// a crash always does. The next start adopts them either way.
        public var keepPodsRunning = false
        /// The service-account files projected into pods; nil: none (pods get no token).
        public var serviceAccount: ServiceAccountProjection?

        /// Settings with the defaults of a standalone control plane.
        public init(executable: String, directory: String, addressPool: AddressPool?, servicePool: AddressPool? = nil,
                    nodeEnvironment: [String: String] = [:],
                    nodeName: String = "gatehouse-local", podIP: String = "127.0.0.1", maximumTerminationGrace: Duration = .seconds(8),
                    keepPodsRunning: Bool = false) {
            self.executable = executable
            self.directory = directory
            self.addressPool = addressPool
            self.servicePool = servicePool
            self.nodeEnvironment = nodeEnvironment
            self.nodeName = nodeName
            self.podIP = podIP
            self.maximumTerminationGrace = maximumTerminationGrace
            self.keepPodsRunning = keepPodsRunning
        }
    }

    /// Kinds whose changes the runtime acts on.
    static let watchedKinds: Set<String> = ["deployments", "pods", "services"]

    let store: any ObjectStore
    let settings: Settings
    let logger: Logger
    let pods: PodSupervisor
    private let wake: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    private let collector = OrphanCollector()

    /// A runtime over `store`.
    public init(store: any ObjectStore, settings: Settings, logger: Logger) {
        self.store = store
        self.settings = settings
        self.logger = logger
        let (wake, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.wake = wake
        self.wakeContinuation = continuation
        self.pods = PodSupervisor(store: store, settings: settings, logger: logger, wake: { continuation.yield() })
    }

    public func run() async throws {
        wakeContinuation.yield()
        try await ControllerLoop.run(store: store, wake: wake, wakeContinuation: wakeContinuation, concerns: { event in
            let collect = self.collector.note(event)
            return collect || Self.watchedKinds.contains(event.key.plural)
        }, converge: { await self.converge() }, onShutdown: { self.pods.beginShutdown() })
        await pods.stopAll()
    }

    /// One pass: collect orphans, plan Deployments, assign addresses, run pods.
    func converge() async {
        if collector.takeNeeded() { await collectOrphans() }
        await reconcileDeployments()
        await assignAddresses()
        await pods.converge()
    }

    private func collectOrphans() async {
        let (objects, _) = store.snapshot()
        for key in GarbageCollector.orphans(objects) {
            guard let kind = ResourceKinds.kind(of: key) else { continue }
            do {
                try await store.delete(kind, namespace: key.namespace.isEmpty ? nil : key.namespace, name: key.name)
                logger.info("garbage-collected an object whose owner is gone", metadata: Self.metadata(key))
            } catch where error.code == .notFound {
                continue
            } catch {
                logger.warning("garbage collection failed", metadata: Self.metadata(key).merging(["error": "\(error)"]) { $1 })
            }
        }
    }

    private func reconcileDeployments() async {
        let deployments = store.list(ObjectFilter(kind: ResourceKinds.deployment)).items
        guard !deployments.isEmpty else { return }
        let allPods = store.list(ObjectFilter(kind: ResourceKinds.pod)).items
        for deployment in deployments where deployment[path: ["metadata", "deletionTimestamp"]] == nil {
            guard let uid = deployment[path: ["metadata", "uid"]]?.stringValue, let namespace = deployment.namespace,
                  let name = deployment.name else { continue }
            let owned = allPods.filter { pod in
                pod.namespace == namespace
                    && (pod[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []).contains { $0["uid"]?.stringValue == uid }
            }
            let plan = DeploymentPlanner.plan(deployment, pods: owned, suffix: Self.randomSuffix)
            for var pod in plan.create {
                // The scheduler's part: there is one node.
                pod[path: ["spec", "nodeName"]] = .string(settings.nodeName)
                do {
                    try await store.create(ResourceKinds.pod, pod)
                } catch {
                    logger.warning("cannot create a pod", metadata: LogMetadata.object("Deployment", namespace: namespace, name: name).merging(["error": "\(error)"]) { $1 })
                }
            }
            for podName in plan.delete {
                _ = try? await store.delete(ResourceKinds.pod, namespace: namespace, name: podName)
            }
            if deployment["status"] != plan.status {
                _ = try? await store.modify(ResourceKinds.deployment, namespace: namespace, name: name, status: true) { current in
                    var updated = current
                    updated["status"] = plan.status
                    return updated
                }
            }
        }
    }

    private func assignAddresses() async {
        if let servicePool = settings.servicePool { await assignClusterIPs(servicePool) }
        guard let pool = settings.addressPool else { return }
        let services = store.list(ObjectFilter(kind: ResourceKinds.service)).items
        let assigned = LoadBalancerAllocator.assign(services, pool: pool)
        for service in services {
            guard let namespace = service.namespace, let name = service.name,
                  let address = assigned["\(namespace)/\(name)"] else { continue }
            let wanted = LoadBalancerAllocator.loadBalancerStatus(address)
            if (service[path: ["status", "loadBalancer"]] ?? .emptyObject) == wanted { continue }
            _ = try? await store.modify(ResourceKinds.service, namespace: namespace, name: name, status: true) { current in
                var updated = current
                updated[path: ["status", "loadBalancer"]] = wanted
                return updated
            }
            if let address {
                logger.info("load balancer address assigned",
                            metadata: LogMetadata.object("Service", namespace: namespace, name: name).merging(["address": "\(address)"]) { $1 })
            }
        }
    }

    /// Cluster IPs for the Services that have none (what the API server allocates in a cluster).
    private func assignClusterIPs(_ pool: AddressPool) async {
        let services = store.list(ObjectFilter(kind: ResourceKinds.service)).items
        for (key, address) in ServiceIPAllocator.assign(services, pool: pool).sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            _ = try? await store.modify(ResourceKinds.service, namespace: parts[0], name: parts[1]) { current in
                // Allocated once: a Service that got an address meanwhile keeps it.
                guard (current[path: ["spec", "clusterIP"]]?.stringValue ?? "").isEmpty else { return current }
                var updated = current
                updated[path: ["spec", "clusterIP"]] = .string(address)
                updated[path: ["spec", "clusterIPs"]] = [.string(address)]
                return updated
            }
        }
    }

    /// Log metadata naming the object `key` names.
    static func metadata(_ key: ObjectKey) -> Logger.Metadata {
        LogMetadata.object(ResourceKinds.kind(of: key)?.kind ?? key.plural, namespace: key.namespace, name: key.name)
    }

    /// Five characters from Kubernetes' pod-name alphabet (no vowels, no look-alikes).
    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }
}
