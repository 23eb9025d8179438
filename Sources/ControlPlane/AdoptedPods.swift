import GatewayModel
import InfraRenderer
import ResourceStore

/// The gateway pods that were serving when this control plane started (adopted from an
/// earlier run: pods outlive it), presumed serving in the registry until their agents report
/// (`DataplaneRegistry.presumeServing`), so that status does not churn while they reconnect.
enum AdoptedPods {
    /// How long an adopted pod's agent has to report before it no longer counts as serving:
    /// agents reconnect within two seconds (their backoff's cap) and report as soon as their
    /// Envoy has the configuration again.
    static let grace: Duration = .seconds(10)

    /// Presumes serving every generated gateway pod that the store shows running, Ready and
    /// serving, with the ports of its Gateway's listeners that were Programmed.
    static func presume(in registry: DataplaneRegistry, store: any ObjectStore, grace: Duration = grace) {
        for pod in store.list(ObjectFilter(kind: ResourceKinds.pod, predicate: InfraWriter.isGenerated)).items where isServing(pod) {
            guard let key = InfraController.gatewayKey(of: pod), let name = pod.name, let namespace = pod.namespace,
                  let gatewayName = pod.labels[InfraLabels.gatewayName],
                  let gateway = store.get(ResourceKinds.gateway, namespace: namespace, name: gatewayName) else { continue }
            registry.presumeServing(key, replica: name, readyPorts: programmedPorts(gateway), grace: grace)
        }
    }

    /// Whether a pod's stored status shows it serving: phase Running, its container running,
    /// Ready and `gatehouse.io/serving` True.
    static func isServing(_ pod: JSONValue) -> Bool {
        let conditions = pod[path: ["status", "conditions"]]?.arrayValue ?? []
        func isTrue(_ type: String) -> Bool { conditions.contains { $0["type"]?.stringValue == type && $0["status"]?.stringValue == "True" } }
        return pod[path: ["status", "phase"]]?.stringValue == "Running"
            && pod[path: ["status", "containerStatuses"]]?.arrayValue?.first?[path: ["state", "running"]] != nil
            && isTrue("Ready") && isTrue(InfraLabels.servingCondition)
    }

    /// The ports of the Gateway's listeners whose stored status says Programmed.
    static func programmedPorts(_ gateway: JSONValue) -> [Int] {
        var portsByListener: [String: Int] = [:]
        for listener in gateway[path: ["spec", "listeners"]]?.arrayValue ?? [] {
            if let name = listener["name"]?.stringValue, let port = listener["port"]?.integerValue { portsByListener[name] = Int(port) }
        }
        var ports: Set<Int> = []
        for listener in gateway[path: ["status", "listeners"]]?.arrayValue ?? [] {
            let programmed = (listener["conditions"]?.arrayValue ?? []).contains {
                $0["type"]?.stringValue == "Programmed" && $0["status"]?.stringValue == "True"
            }
            if programmed, let name = listener["name"]?.stringValue, let port = portsByListener[name] { ports.insert(port) }
        }
        return ports.sorted()
    }
}
