import Foundation
import GatewayModel
import InfraRenderer
import Logging
import ResourceStore
import ServiceLifecycle
import Synchronization

/// The infrastructure half of the control loop (the same in both modes): renders the gateway
/// instances of each pass into Kubernetes objects and keeps them in the store (`InfraWriter`),
/// reverting edits and deletions of generated objects as soon as their watch event arrives;
/// writes each MeshGatewayInstance's status (Ready, as Kuma's instance controller decides it,
/// and the Service's load balancer); holds every gateway pod's readiness gate
/// (`gatehouse.io/serving`) to whether its Envoy serves; and tells the registry when a gateway
/// pod's container stopped or the pod is gone.
final class InfraController: ServiceLifecycle.Service, Sendable {
    private let store: any ObjectStore
    private let registry: DataplaneRegistry
    private let options: InfraOptions
    private let logger: Logger
    private let desired = Mutex<[JSONValue]?>(nil)
    private let wake: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation

    private let tokenIssuer: DataplaneTokenIssuer?
    private let events: EventRecorder?

    init(store: any ObjectStore, registry: DataplaneRegistry, options: InfraOptions, tokenIssuer: DataplaneTokenIssuer? = nil,
         events: EventRecorder? = nil, logger: Logger) {
        self.store = store
        self.registry = registry
        self.options = options
        self.tokenIssuer = tokenIssuer
        self.events = events
        self.logger = logger
        (wake, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The instances of the latest pass (rendered here; a pass that changes nothing costs a
    /// comparison).
    func update(_ instances: [GatewayInstance]) {
        let rendered = InfraRenderer.render(instances, options: options)
        let changed = desired.withLock { current -> Bool in
            guard current != rendered else { return false }
            current = rendered
            return true
        }
        if changed { wakeContinuation.yield() }
    }

    /// What the dataplanes reported changed (readiness gates follow it).
    func dataplanesChanged() { wakeContinuation.yield() }

    func run() async throws {
        try await ControllerLoop.run(store: store, wake: wake, wakeContinuation: wakeContinuation, concerns: { event in
            if event.key.plural == ResourceKinds.pod.plural { self.notePod(event) }
            return Self.concerns(event)
        }, converge: { await self.converge() })
    }

    /// Converges again (after this replica became the leader).
    func wakeUp() { wakeContinuation.yield() }

    /// Events of generated infrastructure (edits to revert, statuses to follow) and of
    /// gateway pods.
    static func concerns(_ event: StoreEvent) -> Bool {
        let plural = event.key.plural
        guard plural == ResourceKinds.pod.plural || InfraWriter.kinds.contains(where: { $0.plural == plural }) else { return false }
        return InfraWriter.isGenerated(event.object) || (event.previous.map(InfraWriter.isGenerated) ?? false)
    }

    /// A gateway pod whose container stopped (or was started anew) no longer serves (now, not
    /// at its stream's next heartbeat); a deleted one is forgotten.
    private func notePod(_ event: StoreEvent) {
        guard let gateway = Self.gatewayKey(of: event.object), let pod = event.object.name else { return }
        let restarts = Self.restartCount(event.object), before = event.previous.map(Self.restartCount) ?? 0
        if restarts > before, let namespace = event.object.namespace, let name = event.object.labels[InfraLabels.gatewayName] {
            events?.record(ControllerEvent(kind: ResourceKinds.gateway, namespace: namespace, name: name, severity: .warning,
                                           reason: "DataplaneRestarted",
                                           message: "pod \(pod): the dataplane agent exited and was restarted (restart \(restarts))"))
        }
        let running = event.object[path: ["status", "containerStatuses"]]?.arrayValue?.first?[path: ["state", "running"]]
        let wasRunning = event.previous?[path: ["status", "containerStatuses"]]?.arrayValue?.first?[path: ["state", "running"]]
        if event.type == .deleted {
            registry.forgetReplica(gateway, replica: pod)
        } else if let wasRunning, running?["startedAt"] != wasRunning["startedAt"] {
            // Stopped, or replaced by a new start (the adopted one was gone): the agent that
            // served is not the one running now.
            registry.replicaExited(gateway, replica: pod)
        }
    }

    /// The restart count of a pod's container.
    static func restartCount(_ pod: JSONValue) -> Int64 {
        pod[path: ["status", "containerStatuses"]]?.arrayValue?.first?["restartCount"]?.integerValue ?? 0
    }

    /// `namespace/gateway` of a generated gateway pod.
    static func gatewayKey(of pod: JSONValue) -> String? {
        guard InfraWriter.isGenerated(pod), let namespace = pod.namespace, let gateway = pod.labels[InfraLabels.gatewayName] else { return nil }
        return "\(namespace)/\(gateway)"
    }

    private func converge() async {
        guard store.acceptsWrites else { return }
        if let rendered = desired.withLock({ $0 }) {
            await InfraWriter(store: store, logger: logger, tokens: tokenIssuer).write(rendered)
        }
        await writeInstanceStatuses()
        await writeServingConditions()
    }

    /// Each generated MeshGatewayInstance's `Ready` (Kuma's rules: the Deployment must be
    /// available and the Service must have its address) and the Service's load balancer.
    private func writeInstanceStatuses() async {
        let now = Timestamps.rfc3339(Date())
        for instance in store.list(ObjectFilter(kind: ResourceKinds.meshGatewayInstance, predicate: InfraWriter.isGenerated)).items {
            guard let namespace = instance.namespace, let name = instance.name else { continue }
            let service = store.get(ResourceKinds.service, namespace: namespace, name: name)
            let deployment = store.get(ResourceKinds.deployment, namespace: namespace, name: name)
            let (ready, reason, message) = Self.readiness(service: service, deployment: deployment)
            var status: JSONValue = .emptyObject
            status["loadBalancer"] = service?[path: ["status", "loadBalancer"]] ?? .emptyObject
            let previous = (instance[path: ["status", "conditions"]]?.arrayValue ?? []).first { $0["type"]?.stringValue == "Ready" }
            let statusText = ready ? "True" : "False"
            let transition = previous?["status"]?.stringValue == statusText ? (previous?["lastTransitionTime"] ?? .string(now)) : .string(now)
            status["conditions"] = [[
                "type": "Ready", "status": .string(statusText), "reason": .string(reason), "message": .string(message),
                "observedGeneration": instance[path: ["metadata", "generation"]] ?? .integer(1), "lastTransitionTime": transition,
            ]]
            if instance["status"] == status { continue }
            _ = try? await store.modify(ResourceKinds.meshGatewayInstance, namespace: namespace, name: name, status: true) { current in
                var updated = current
                updated["status"] = status
                return updated
            }
        }
    }

    /// The scrape annotations of a gateway pod whose agent serves metrics at `address`.
    static func metricsAnnotations(_ address: String) -> [String: String] {
        let port = address.split(separator: ":").last.map(String.init) ?? ""
        return [Self.metricsAddressAnnotation: address, "prometheus.io/scrape": "true", "prometheus.io/port": port, "prometheus.io/path": "/metrics"]
    }

    /// The annotation naming where a gateway pod's agent serves `/metrics` and `/config_dump`.
    static let metricsAddressAnnotation = "gatehouse.io/metrics-address"

    /// Sets the scrape annotations when they differ (the agent picked a new port after a restart).
    private func annotateMetrics(_ pod: JSONValue, address: String) async {
        let wanted = Self.metricsAnnotations(address)
        let current = (pod[path: ["metadata", "annotations"]]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        guard wanted.contains(where: { current[$0.key] != $0.value }), let namespace = pod.namespace, let name = pod.name else { return }
        _ = try? await store.modify(ResourceKinds.pod, namespace: namespace, name: name) { stored in
            var updated = stored
            var annotations = stored[path: ["metadata", "annotations"]]?.objectValue ?? [:]
            for (key, value) in wanted { annotations[key] = .string(value) }
            updated[path: ["metadata", "annotations"]] = .object(annotations)
            return updated
        }
    }

    /// Kuma's `getCombinedReadiness`: the Deployment's Available condition, then the address.
    static func readiness(service: JSONValue?, deployment: JSONValue?) -> (Bool, String, String) {
        guard let service, let deployment else { return (false, "DeploymentNotAvailable", "The gateway's Service and Deployment are being created") }
        let available = (deployment[path: ["status", "conditions"]]?.arrayValue ?? []).first { $0["type"]?.stringValue == "Available" }
        if available?["status"]?.stringValue != "True" {
            return (false, "DeploymentNotAvailable", "Deployment \(deployment.name ?? "") has no minimum availability: no ready gateway pod")
        }
        if service[path: ["spec", "type"]]?.stringValue == "LoadBalancer" {
            let ingress = service[path: ["status", "loadBalancer", "ingress"]]?.arrayValue ?? []
            if ingress.isEmpty { return (false, "LoadBalancerAddressNotReady", "Service \(service.name ?? "") has no load balancer address yet") }
        }
        return (true, "Ready", "The gateway's pods are ready and its Service has its address")
    }

    /// Every generated gateway pod's `gatehouse.io/serving` condition: True while its replica
    /// serves (reported running, config stream open); and where its agent's metrics are, as the
    /// annotations a Prometheus pod scrape configuration reads.
    private func writeServingConditions() async {
        let now = Timestamps.rfc3339(Date())
        var metricsAddresses: [String: String] = [:]
        for replica in registry.replicaReports() {
            if let address = replica.metricsAddress { metricsAddresses["\(replica.proxy)#\(replica.replica)"] = address }
        }
        for pod in store.list(ObjectFilter(kind: ResourceKinds.pod, predicate: InfraWriter.isGenerated)).items {
            guard let gateway = Self.gatewayKey(of: pod), let namespace = pod.namespace, let name = pod.name else { continue }
            if let address = metricsAddresses["\(gateway)#\(name)"] { await annotateMetrics(pod, address: address) }
            let serving = registry.isServing(gateway, replica: name)
            let wanted = serving ? "True" : "False"
            let conditions = pod[path: ["status", "conditions"]]?.arrayValue ?? []
            if conditions.first(where: { $0["type"]?.stringValue == InfraLabels.servingCondition })?["status"]?.stringValue == wanted { continue }
            _ = try? await store.modify(ResourceKinds.pod, namespace: namespace, name: name, status: true) { current in
                var updated = current
                var list = (current[path: ["status", "conditions"]]?.arrayValue ?? []).filter { $0["type"]?.stringValue != InfraLabels.servingCondition }
                list.append([
                    "type": .string(InfraLabels.servingCondition), "status": .string(wanted), "lastTransitionTime": .string(now),
                    "reason": serving ? "Serving" : "NotServing",
                    "message": serving ? "Envoy serves the accepted configuration" : "Envoy does not serve (starting, restarting or config not accepted yet)",
                ])
                updated[path: ["status", "conditions"]] = .array(list)
                return updated
            }
        }
    }
}
