import GatewayModel

/// What the Envoy stage needs for one mesh sidecar (DESIGN.md 4.1): the workload, its outbound
/// forward proxy, and exactly what that sidecar can reach, no more. Equal inputs give equal
/// configs, so a change pushes only to the sidecars whose input it changes: a consumer route
/// changes only the inputs of its namespace's sidecars, a producer route those of its mesh
/// (unless a consumer route decides that port for them), a Service those of its mesh.
///
/// Build it with `make`, which selects from the full lists; the fields are sorted
/// (namespace, then name) so that equal selections compare equal.
public struct SidecarInput: Sendable, Hashable {
    /// The workload's namespace.
    public var namespace: String
    /// The workload's name (the Dataplane's, a pod name).
    public var name: String
    /// The workload's mesh.
    public var mesh: String
    /// The address of the outbound forward proxy.
    public var outboundAddress: String
    /// Its port.
    public var outboundPort: Int
    /// The Services of the mesh (every one the workload can reach), without `ExternalName`
    /// Services (they have no endpoints to forward to).
    public var services: [Service]
    /// The EndpointSlices of those Services.
    public var endpointSlices: [EndpointSlice]
    /// The MeshHTTPRoutes that decide this workload's requests, each with only the `to` entries
    /// that apply to it: consumer routes (targetRef `MeshSubset` whose tags the workload has,
    /// `k8s.kuma.io/namespace` among them) for the Service ports they name, producer routes
    /// (targetRef `Mesh`) for the other Service ports. Only HTTP ports of mesh Services.
    public var routes: [MeshHTTPRoute]

    /// Creates an input from lists already selected (see `make` for the selection).
    public init(namespace: String, name: String, mesh: String, outboundAddress: String, outboundPort: Int,
                services: [Service], endpointSlices: [EndpointSlice], routes: [MeshHTTPRoute]) {
        self.namespace = namespace
        self.name = name
        self.mesh = mesh
        self.outboundAddress = outboundAddress
        self.outboundPort = outboundPort
        self.services = services
        self.endpointSlices = endpointSlices
        self.routes = routes
    }
}

extension SidecarInput {
    /// Selects one sidecar's input from the full lists of a translation pass.
    ///
    /// - `services`, `endpointSlices`, `namespaces`: as the snapshot lists them (any order).
    ///   A Service's mesh is `MeshMembership.mesh` (its own `kuma.io/mesh`, else its
    ///   namespace's, else `defaultMesh`).
    /// - `meshHTTPRoutes`: the translation's (generated and user-authored). A route's mesh is its
    ///   `kuma.io/mesh` label, else `defaultMesh`. Routes targeting a MeshGateway are ignored.
    /// - `labels`: the workload's labels, which `MeshSubset` tags select by (with
    ///   `k8s.kuma.io/namespace: <namespace>` added).
    ///
    /// GEP-1294: "Requests from a namespace with consumer routes will utilize the (possibly
    /// merged) set of routes in the consumer namespace; requests from other namespaces will
    /// utilize the (possibly merged) set of routes in the producer namespace. The merging of
    /// routes occurs only within groups of the same type of routes". So for a Service port
    /// that some consumer route of this workload names, the producer routes do not apply to
    /// it at all (they are not merged in after the consumer routes); per port, because a
    /// parentRef `port` scopes a route to that port.
    public static func make(namespace: String, name: String, mesh: String, labels: [String: String] = [:],
                            outboundAddress: String, outboundPort: Int,
                            services: [Service], endpointSlices: [EndpointSlice], meshHTTPRoutes: [MeshHTTPRoute],
                            namespaces: [Namespace], defaultMesh: String = "default") -> SidecarInput {
        var namespaceMetadata: [String: ObjectMeta] = [:]
        for item in namespaces {
            if let itemName = item.metadata?.name { namespaceMetadata[itemName] = item.metadata }
        }
        let meshServices = services.filter { service in
            guard service.metadata?.name != nil, service.spec?.type != "ExternalName" else { return false }
            let serviceNamespace = service.metadata?.namespace ?? "default"
            return MeshMembership.mesh(of: service.metadata, namespace: namespaceMetadata[serviceNamespace],
                                       defaultMesh: defaultMesh) == mesh
        }.sorted { key($0.metadata) < key($1.metadata) }
        var serviceKeys = Set<String>()
        var httpPorts = Set<MeshServicePort>()
        for service in meshServices {
            let serviceNamespace = service.metadata?.namespace ?? "default", serviceName = service.metadata?.name ?? ""
            serviceKeys.insert("\(serviceNamespace)/\(serviceName)")
            for port in service.spec?.ports ?? [] where port.carriesHTTP {
                if let number = port.port { httpPorts.insert(MeshServicePort(namespace: serviceNamespace, service: serviceName, port: number)) }
            }
        }
        let slices = endpointSlices.filter { slice in
            guard let serviceName = slice.metadata?.labels?[BackendCatalog.serviceNameLabel] else { return false }
            return serviceKeys.contains("\(slice.metadata?.namespace ?? "default")/\(serviceName)")
        }.sorted { key($0.metadata) < key($1.metadata) }
        var tags = labels
        tags[MeshMembership.namespaceTag] = namespace
        let routes = applyingRoutes(meshHTTPRoutes, mesh: mesh, defaultMesh: defaultMesh, tags: tags, httpPorts: httpPorts)
        return SidecarInput(namespace: namespace, name: name, mesh: mesh, outboundAddress: outboundAddress, outboundPort: outboundPort,
                            services: meshServices, endpointSlices: slices, routes: routes)
    }

    /// The workload a `Dataplane` registers: what `make` needs besides the pass's lists.
    public struct Workload: Sendable {
        /// The Dataplane's namespace.
        public var namespace: String
        /// The Dataplane's name.
        public var name: String
        /// Its mesh, resolved.
        public var mesh: String
        /// The Dataplane's labels.
        public var labels: [String: String]
        /// Its first outbound listener's address.
        public var outboundAddress: String
        /// That listener's port.
        public var outboundPort: Int
    }

    /// The Dataplane's namespace, name, labels and mesh (`mesh`, else its namespace's, else
    /// `defaultMesh`), and its first outbound listener. Nil when the Dataplane has no name or
    /// no outbound listener with an address and port.
    public static func workload(of dataplane: Dataplane, namespaces: [Namespace], defaultMesh: String = "default") -> Workload? {
        guard let name = dataplane.metadata?.name, let outbound = dataplane.spec?.networking?.outbound?.first,
              let address = outbound.address, !address.isEmpty, let port = outbound.port
        else { return nil }
        let namespace = dataplane.metadata?.namespace ?? "default"
        let namespaceMetadata = namespaces.first { $0.metadata?.name == namespace }?.metadata
        let mesh = dataplane.mesh.flatMap { $0.isEmpty ? nil : $0 }
            ?? MeshMembership.mesh(of: nil, namespace: namespaceMetadata, defaultMesh: defaultMesh)
        return Workload(namespace: namespace, name: name, mesh: mesh, labels: dataplane.metadata?.labels ?? [:],
                        outboundAddress: address, outboundPort: port)
    }

    /// `make` for the workload a `Dataplane` registers (`workload(of:)`).
    public static func make(for dataplane: Dataplane, services: [Service], endpointSlices: [EndpointSlice],
                            meshHTTPRoutes: [MeshHTTPRoute], namespaces: [Namespace],
                            defaultMesh: String = "default") -> SidecarInput? {
        guard let workload = workload(of: dataplane, namespaces: namespaces, defaultMesh: defaultMesh) else { return nil }
        return make(namespace: workload.namespace, name: workload.name, mesh: workload.mesh, labels: workload.labels,
                    outboundAddress: workload.outboundAddress, outboundPort: workload.outboundPort, services: services,
                    endpointSlices: endpointSlices, meshHTTPRoutes: meshHTTPRoutes, namespaces: namespaces, defaultMesh: defaultMesh)
    }

    /// The label keys that `MeshSubset` targets of `routes` select by: a workload's other
    /// labels do not change which routes apply to it.
    public static func selectingLabelKeys(_ routes: [MeshHTTPRoute]) -> Set<String> {
        var keys = Set<String>()
        for route in routes where route.spec?.targetRef?.kind == "MeshSubset" {
            if let tags = route.spec?.targetRef?.tags { keys.formUnion(tags.keys) }
        }
        return keys
    }

    /// The routes of `mesh` that apply to a proxy with `tags`, each cut down to the `to`
    /// entries that decide one of `httpPorts` for it (consumer routes first claim their ports).
    static func applyingRoutes(_ routes: [MeshHTTPRoute], mesh: String, defaultMesh: String, tags: [String: String],
                               httpPorts: Set<MeshServicePort>) -> [MeshHTTPRoute] {
        // (route position, to position, destination, consumer?) for every candidate entry.
        var candidates: [(route: Int, to: Int, port: MeshServicePort, consumer: Bool)] = []
        for position in routes.indices {
            guard (routes[position].metadata?.labels?[GeneratedLabels.mesh] ?? defaultMesh) == mesh,
                  let target = routes[position].spec?.targetRef else { continue }
            let consumer: Bool
            switch target.kind {
            case "Mesh":
                consumer = false
            case "MeshSubset":
                let wanted = target.tags ?? [:]
                guard wanted.allSatisfy({ tags[$0.key] == $0.value }) else { continue }
                // A MeshSubset without tags selects the whole mesh, as `Mesh` does.
                consumer = !wanted.isEmpty
            default:
                continue
            }
            for (toPosition, destination) in (routes[position].spec?.to ?? []).enumerated() {
                guard destination.targetRef.kind == "MeshService",
                      let port = destination.targetRef.name.flatMap(MeshServicePort.init(kumaName:)),
                      httpPorts.contains(port) else { continue }
                candidates.append((position, toPosition, port, consumer))
            }
        }
        let claimed = Set(candidates.filter(\.consumer).map(\.port))
        var kept: [Int: [Int]] = [:]
        for candidate in candidates where candidate.consumer || !claimed.contains(candidate.port) {
            kept[candidate.route, default: []].append(candidate.to)
        }
        var result: [MeshHTTPRoute] = []
        for position in routes.indices {
            guard let toPositions = kept[position] else { continue }
            var route = routes[position]
            if toPositions.count != route.spec?.to?.count {
                let destinations = route.spec?.to ?? []
                route.spec?.to = toPositions.map { destinations[$0] }
            }
            result.append(route)
        }
        // Read through the route's own accessors: sorting compares without copying metadata.
        return result.sorted { ($0.namespace ?? "", $0.name ?? "") < ($1.namespace ?? "", $1.name ?? "") }
    }

    /// (namespace, name), the sort key of the Service and EndpointSlice lists.
    private static func key(_ metadata: ObjectMeta?) -> (String, String) {
        (metadata?.namespace ?? "", metadata?.name ?? "")
    }
}
