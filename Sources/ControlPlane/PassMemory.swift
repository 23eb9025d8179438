import GatewayModel

/// What the previous pass produced, to hand only differences to the writers.
struct PassMemory {
    var statuses: [ObjectKey: JSONValue] = [:]
    var meshGateways: [String: MeshGateway] = [:]
    var meshHTTPRoutes: [String: MeshHTTPRoute] = [:]
    var meshTCPRoutes: [String: MeshTCPRoute] = [:]
    var sweptLeftovers = false

    /// Makes the next pass hand every status to the writer again (after a failed write).
    mutating func forgetStatuses() { statuses = [:] }

    /// True once, on the first pass: generated objects of an earlier run are swept then.
    mutating func needsLeftoverSweep() -> Bool {
        defer { sweptLeftovers = true }
        return !sweptLeftovers
    }

    /// The statuses and generated objects that changed since the last pass, and the keys of
    /// generated objects that are gone.
    mutating func changes(statuses: [StatusUpdate], meshGateways: [MeshGateway], meshHTTPRoutes: [MeshHTTPRoute])
        -> ([StatusUpdate], [MeshGateway], [MeshHTTPRoute], [ObjectKey]) {
        let changedStatuses = statuses.filter { self.statuses[$0.key] != $0.status }
        self.statuses = Dictionary(statuses.map { ($0.key, $0.status) }, uniquingKeysWith: { _, last in last })

        let gateways = Dictionary(meshGateways.map { ($0.metadata?.name ?? "", $0) }, uniquingKeysWith: { _, last in last })
        let generatedRoutes = meshHTTPRoutes.filter { $0.metadata?.labels?[GeneratedLabels.managedBy] != nil }
        let routes = Dictionary(generatedRoutes.map { ("\($0.metadata?.namespace ?? "")/\($0.metadata?.name ?? "")", $0) },
                                uniquingKeysWith: { _, last in last })
        let changedGateways = meshGateways.filter { self.meshGateways[$0.metadata?.name ?? ""] != $0 }
        let changedRoutes = generatedRoutes.filter { self.meshHTTPRoutes["\($0.metadata?.namespace ?? "")/\($0.metadata?.name ?? "")"] != $0 }
        var removed: [ObjectKey] = []
        for name in self.meshGateways.keys where gateways[name] == nil {
            removed.append(ObjectKey(kind: ResourceKinds.meshGateway, namespace: nil, name: name))
        }
        for (key, route) in self.meshHTTPRoutes where routes[key] == nil {
            removed.append(ObjectKey(kind: ResourceKinds.meshHTTPRoute, namespace: route.metadata?.namespace, name: route.metadata?.name ?? ""))
        }
        self.meshGateways = gateways
        self.meshHTTPRoutes = routes
        return (changedStatuses, changedGateways, changedRoutes, removed.sorted())
    }

    /// The generated MeshTCPRoutes that changed since the last pass, and the keys of those gone
    /// (user-authored ones in `meshTCPRoutes` are left alone).
    mutating func changes(meshTCPRoutes: [MeshTCPRoute]) -> ([MeshTCPRoute], [ObjectKey]) {
        let meshTCPRoutes = meshTCPRoutes.filter { $0.metadata?.labels?[GeneratedLabels.managedBy] != nil }
        let routes = Dictionary(meshTCPRoutes.map { ("\($0.namespace ?? "")/\($0.name ?? "")", $0) }, uniquingKeysWith: { _, last in last })
        let changed = meshTCPRoutes.filter { self.meshTCPRoutes["\($0.namespace ?? "")/\($0.name ?? "")"] != $0 }
        var removed: [ObjectKey] = []
        for (key, route) in self.meshTCPRoutes where routes[key] == nil {
            removed.append(ObjectKey(kind: ResourceKinds.meshTCPRoute, namespace: route.namespace, name: route.name ?? ""))
        }
        self.meshTCPRoutes = routes
        return (changed, removed.sorted())
    }
}
