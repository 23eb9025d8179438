import GatewayModel

/// A backendRef (or mirror target) as written, with the defaults of the Gateway API applied.
struct BackendReference {
    /// API group; `""` is core.
    var group: String
    /// Kind; `Service` by default.
    var kind: String
    /// Name of the referent.
    var name: String
    /// Namespace of the referent (the route's by default).
    var namespace: String
    /// Service port.
    var port: Int32?
    /// Relative weight (1 by default; 0 is kept).
    var weight: Int32

    init(group: String?, kind: String?, name: String, namespace: String?, port: Int32?, weight: Int32?, routeNamespace: String) {
        self.group = group ?? ""
        self.kind = kind ?? "Service"
        self.name = name
        self.namespace = namespace ?? routeNamespace
        self.port = port
        self.weight = weight ?? 1
    }
}

/// Backend resolution: which Service a reference means, or why it cannot be used.
enum Backends {
    /// Service port `appProtocol`s the gateway cannot speak to a backend.
    static let unsupportedAppProtocols: Set<String> = ["https", "tls", "kubernetes.io/wss"]

    /// The Kuma backendRef for `reference` from a route of kind `routeKind` (`HTTPRoute`,
    /// `GRPCRoute`: the `from` of ReferenceGrants) in `routeNamespace`, and the problem that
    /// made it unresolved (its traffic share then answers 500).
    static func resolve(_ reference: BackendReference, routeNamespace: String, routeKind: String,
                        index: SnapshotIndex) -> (KumaBackendRef, Problem?) {
        let problem = self.problem(reference, routeNamespace: routeNamespace, routeKind: routeKind, index: index)
        let name = problem == nil ? reference.name : UnresolvedBackend.name
        let backend = KumaBackendRef(kind: "MeshService", name: name, namespace: reference.namespace,
                                     weight: Int64(reference.weight), port: reference.port.map(Int64.init))
        return (backend, problem)
    }

    static func problem(_ reference: BackendReference, routeNamespace: String, routeKind: String, index: SnapshotIndex) -> Problem? {
        let described = "\(reference.namespace)/\(reference.name)"
        guard reference.group.isEmpty, reference.kind == "Service" else {
            let group = reference.group.isEmpty ? "core" : reference.group
            return Problem(reason: Reason.invalidKind,
                           message: "backendRef \(described): kind \(reference.kind) of group \(group) is not supported; use a core Service")
        }
        let permitted = ReferenceGrants.permits(
            index, from: ReferenceEnd(group: ResourceKinds.gatewayGroup, kind: routeKind, namespace: routeNamespace),
            to: ReferenceEnd(group: "", kind: "Service", namespace: reference.namespace, name: reference.name))
        guard permitted else {
            return Problem(reason: Reason.refNotPermitted,
                           message: "backendRef to Service \(described) is not permitted by any ReferenceGrant in namespace \(reference.namespace)")
        }
        guard let service = index.services[objectPath(reference.namespace, reference.name)] else {
            return Problem(reason: Reason.backendNotFound, message: "Service \(described) does not exist")
        }
        guard let port = reference.port else {
            return Problem(reason: Reason.backendNotFound, message: "backendRef to Service \(described) needs a port")
        }
        guard let servicePort = service.spec?.ports?.first(where: { $0.port == Int(port) }) else {
            return Problem(reason: Reason.backendNotFound, message: "Service \(described) has no port \(port)")
        }
        // TLSRoutes and TCPRoutes forward bytes: any TCP port will do, whatever it speaks.
        let forwardsBytes = StreamRoutes.isStream(routeKind)
        let transport = (servicePort.protocol ?? "TCP").uppercased()
        if transport != "TCP" {
            return Problem(reason: Reason.unsupportedProtocol,
                           message: "Service \(described) port \(port) uses \(transport); \(forwardsBytes ? routeKind : "HTTP") needs TCP")
        }
        if !forwardsBytes, let appProtocol = servicePort.appProtocol, unsupportedAppProtocols.contains(appProtocol.lowercased()) {
            return Problem(reason: Reason.unsupportedProtocol,
                           message: "Service \(described) port \(port) has appProtocol \(appProtocol), which the gateway cannot speak")
        }
        return nil
    }
}
