import ControlPlane
import GatewayModel
import ManifestIO
import ResourceStore

/// What one page render reads: the store's objects (from memory) and the control plane's
/// proxy reports. Never hands out Secret data: pages show Secrets by name only, and every
/// object shown as YAML goes through `redactedYAML`.
struct ConsoleData {
    let store: any ObjectStore
    let inspector: ProxyInspector
    let systemNamespace: String

    /// The objects of `kind` (in `namespace`, or all), sorted by key.
    func list(_ kind: ResourceKind, namespace: String? = nil) -> [JSONValue] {
        store.list(ObjectFilter(kind: kind, namespace: namespace)).items
    }

    /// One object, or nil.
    func get(_ kind: ResourceKind, namespace: String?, name: String) -> JSONValue? {
        store.get(kind, namespace: namespace, name: name)
    }

    /// The store's resource version (shown in the footer; the live script compares pages).
    var resourceVersion: UInt64 { store.resourceVersion }

    /// A served kind by group and plural, nil when this control plane does not serve it
    /// (Deployments and Pods appear once the local runtime serves them).
    static func servedKind(group: String, plural: String) -> ResourceKind? {
        ResourceKinds.all.first { $0.group == group && $0.plural == plural }
    }

    /// The mesh of an object: its `kuma.io/mesh` label or annotation, else its namespace's,
    /// else `default` (Kuma's rule). Dataplanes name theirs in `mesh`.
    func mesh(of object: JSONValue) -> String {
        if let mesh = object["mesh"]?.stringValue, !mesh.isEmpty { return mesh }
        if let mesh = Self.meshMark(object) { return mesh }
        if let namespace = object.namespace,
           let namespaceObject = get(ResourceKinds.namespace, namespace: nil, name: namespace),
           let mesh = Self.meshMark(namespaceObject) {
            return mesh
        }
        return "default"
    }

    private static func meshMark(_ object: JSONValue) -> String? {
        object[path: ["metadata", "labels", "kuma.io/mesh"]]?.stringValue
            ?? object[path: ["metadata", "annotations", "kuma.io/mesh"]]?.stringValue
    }

    /// `namespace/name` of an object.
    static func key(_ object: JSONValue) -> String {
        if let namespace = object.namespace, !namespace.isEmpty { return "\(namespace)/\(object.name ?? "")" }
        return object.name ?? ""
    }

    /// An object as YAML for reading: no Secret data ever (a Secret keeps only its metadata and
    /// type), no `managedFields`, no `last-applied-configuration` (which may hold anything).
    static func redactedYAML(_ object: JSONValue) -> String {
        Manifests.yaml(redacted(object))
    }

    /// The object without key material or bookkeeping (see `redactedYAML`).
    static func redacted(_ object: JSONValue) -> JSONValue {
        var copy = object
        copy[path: ["metadata", "managedFields"]] = nil
        copy[path: ["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"]] = nil
        if object["kind"]?.stringValue == "Secret" || object["data"] != nil || object["stringData"] != nil {
            copy["data"] = nil
            copy["stringData"] = nil
        }
        return copy
    }

    /// Routes (HTTPRoutes) with a parentRef to the Gateway `namespace/name`.
    func routes(attachedTo namespace: String, gateway name: String) -> [RouteEntry] {
        allRoutes().filter { entry in
            (entry.route[path: ["spec", "parentRefs"]]?.arrayValue ?? []).contains { reference in
                let kind = reference["kind"]?.stringValue ?? "Gateway"
                let group = reference["group"]?.stringValue ?? ResourceKinds.gatewayGroup
                return kind == "Gateway" && group == ResourceKinds.gatewayGroup && reference["name"]?.stringValue == name
                    && (reference["namespace"]?.stringValue ?? entry.route.namespace) == namespace
            }
        }
    }

    /// A route of any kind the console shows, with its kind's name.
    struct RouteEntry {
        /// `HTTPRoute`, `GRPCRoute`, `TLSRoute` or `TCPRoute`.
        var kind: String
        /// The object.
        var route: JSONValue
    }

    /// The route kinds the console shows, in the order it lists them.
    static let routeKinds: [(kind: ResourceKind, name: String)] = [
        (ResourceKinds.httpRoute, "HTTPRoute"), (ResourceKinds.grpcRoute, "GRPCRoute"),
        (ResourceKinds.tlsRoute, "TLSRoute"), (ResourceKinds.tcpRoute, "TCPRoute"),
    ]

    /// Every route: HTTPRoutes, then GRPCRoutes, TLSRoutes and TCPRoutes, each kind by namespace/name.
    func allRoutes() -> [RouteEntry] {
        Self.routeKinds.flatMap { kind, name in list(kind).map { RouteEntry(kind: name, route: $0) } }
    }

    /// HTTPRoutes with a parentRef to the Service `namespace/name` (GAMMA).
    func meshRoutes(targeting namespace: String, service name: String) -> [JSONValue] {
        list(ResourceKinds.httpRoute).filter { route in
            (route[path: ["spec", "parentRefs"]]?.arrayValue ?? []).contains { reference in
                reference["kind"]?.stringValue == "Service" && (reference["group"]?.stringValue ?? "") == ""
                    && reference["name"]?.stringValue == name && (reference["namespace"]?.stringValue ?? route.namespace) == namespace
            }
        }
    }

    /// HTTPRoutes that send traffic to the Service `namespace/name`.
    func routes(backedBy namespace: String, service name: String) -> [JSONValue] {
        list(ResourceKinds.httpRoute).filter { route in
            (route[path: ["spec", "rules"]]?.arrayValue ?? []).contains { rule in
                (rule["backendRefs"]?.arrayValue ?? []).contains { backend in
                    (backend["kind"]?.stringValue ?? "Service") == "Service" && backend["name"]?.stringValue == name
                        && (backend["namespace"]?.stringValue ?? route.namespace) == namespace
                }
            }
        }
    }

    /// Ready endpoint addresses (`address:port` per slice port) of the Service `namespace/name`.
    func endpoints(of namespace: String, service name: String) -> [String] {
        var result: [String] = []
        for slice in list(ResourceKinds.endpointSlice, namespace: namespace)
        where slice.labels["kubernetes.io/service-name"] == name {
            let ports = (slice["ports"]?.arrayValue ?? []).compactMap { $0["port"]?.integerValue }
            for endpoint in slice["endpoints"]?.arrayValue ?? [] {
                let ready = endpoint[path: ["conditions", "ready"]]?.boolValue ?? true
                for address in endpoint["addresses"]?.arrayValue ?? [] {
                    for port in ports.isEmpty ? [0] : ports {
                        result.append("\(address.stringValue ?? "")\(port == 0 ? "" : ":\(port)")\(ready ? "" : " (not ready)")")
                    }
                }
            }
        }
        return result
    }

    /// Generated MeshHTTPRoutes whose provenance is the HTTPRoute `namespace/name`.
    func meshHTTPRoutes(from namespace: String, route name: String) -> [JSONValue] {
        list(ResourceKinds.meshHTTPRoute).filter {
            $0[path: ["metadata", "annotations", GeneratedLabels.source]]?.stringValue == "httproute/\(namespace)/\(name)"
        }
    }

    /// The generated MeshGateway of the Gateway `namespace/name`, if any.
    func meshGateway(of namespace: String, gateway name: String) -> JSONValue? {
        list(ResourceKinds.meshGateway).first {
            $0[path: ["metadata", "annotations", GeneratedLabels.source]]?.stringValue == "gateway/\(namespace)/\(name)"
        }
    }

    /// The labels that name a Gateway on the objects made for it (Kuma's and the Gateway API's).
    static let gatewayNameLabels = ["kuma.io/gateway-name", "gateway.networking.k8s.io/gateway-name"]

    /// The Gateway `namespace/name`'s Deployments: labelled with its name, or named as the
    /// Gateway and owned by its MeshGatewayInstance. Nil when Deployments are not served (yet).
    func gatewayDeployments(namespace: String, gateway name: String) -> [JSONValue]? {
        guard let kind = Self.servedKind(group: "apps", plural: "deployments") else { return nil }
        return list(kind, namespace: namespace).filter { deployment in
            Self.gatewayNameLabels.contains { deployment.labels[$0] == name }
                || (deployment.name == name && (deployment[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []).contains {
                    $0["kind"] == "MeshGatewayInstance" && $0["name"]?.stringValue == name
                })
        }
    }

    /// The Gateway `namespace/name`'s Pods: labelled with its name, or selected by one of its
    /// Deployments' `matchLabels`. Nil when Pods are not served (yet).
    func gatewayPods(namespace: String, gateway name: String) -> [JSONValue]? {
        guard let kind = Self.servedKind(group: "", plural: "pods") else { return nil }
        let selectors = (gatewayDeployments(namespace: namespace, gateway: name) ?? []).compactMap { deployment -> [String: String]? in
            guard let labels = deployment[path: ["spec", "selector", "matchLabels"]]?.objectValue, !labels.isEmpty else { return nil }
            return labels.compactMapValues(\.stringValue)
        }
        return list(kind, namespace: namespace).filter { pod in
            let labels = pod.labels
            return Self.gatewayNameLabels.contains { labels[$0] == name }
                || selectors.contains { selector in selector.allSatisfy { labels[$0.key] == $0.value } }
        }
    }
}
