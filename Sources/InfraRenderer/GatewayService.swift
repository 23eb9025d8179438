import GatewayModel

/// The gateway's `Service`, as Kuma's instance controller shapes it: one TCP port per distinct
/// listener port (named after the port), the pods selected by `app: <gateway>`, the type from
/// the config, `loadBalancerIP` from the service template, and the template's labels and
/// annotations. Beyond Kuma: `externalTrafficPolicy` from the template and the Gateway's
/// infrastructure labels/annotations; in standalone the address the pool gave the Gateway is
/// the `loadBalancerIP` (so the local load-balancer allocator confirms it).
enum GatewayService {
    static func render(_ instance: GatewayInstance) -> JSONValue {
        let template = instance.config.serviceTemplate
        var annotations = InfraRenderer.strings(template, ["metadata", "annotations"])
        annotations[InfraLabels.kumaGateway] = "builtin"
        let metadata = InfraRenderer.ownedMetadata(
            instance, labels: InfraRenderer.strings(template, ["metadata", "labels"]), annotations: annotations)
        var ports: [JSONValue] = []
        var seen: Set<Int> = []
        for listener in instance.listeners where seen.insert(listener.port).inserted {
            var port: JSONValue = [
                "name": .string(String(listener.port)), "protocol": "TCP",
                "port": .integer(Int64(listener.port)), "targetPort": .integer(Int64(listener.port)),
            ]
            if instance.serviceType == "NodePort" { port["nodePort"] = .integer(Int64(listener.port)) }
            ports.append(port)
        }
        var spec: JSONValue = [
            "type": .string(instance.serviceType), "selector": InfraRenderer.selector(instance), "ports": .array(ports),
        ]
        if instance.serviceType == "LoadBalancer" {
            // Standalone: the address the pool gave the Gateway (which honours the template's
            // loadBalancerIP); in a cluster, the template's, for the cloud's load balancer.
            if let address = instance.address {
                spec["loadBalancerIP"] = .string(address)
            } else if let requested = template?[path: ["spec", "loadBalancerIP"]]?.stringValue, !requested.isEmpty {
                spec["loadBalancerIP"] = .string(requested)
            }
        }
        if instance.serviceType != "ClusterIP", let policy = template?[path: ["spec", "externalTrafficPolicy"]]?.stringValue {
            spec["externalTrafficPolicy"] = .string(policy)
        }
        return ["apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": spec]
    }
}
