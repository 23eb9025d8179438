import GatewayModel

/// Stage 2 for a mesh sidecar (DESIGN.md 4.1): its `SidecarInput` -> Envoy v3 resources. Pure.
///
/// What it emits:
/// - one listener `sidecar/<namespace>/<name>/outbound` on the outbound address and port: an
///   HTTP forward proxy (see `SidecarListener`), whose route configuration of the same name
///   comes over RDS from its own file, like a gateway listener's;
/// - per Service port of the mesh (TCP ports, by Service namespace/name, then port number),
///   one virtual host `<namespace>/<service>/<port>` with every name a client may use for it
///   (`SidecarHostnames`). On an HTTP port with routes, the routes' entries in Gateway API
///   precedence order (the gateway's `RouteEntry` machinery: matches, filters, weights,
///   mirrors, timeouts, retries, named rules); a request no rule matches gets Envoy's 404, as
///   on a gateway. On any other port (no routes, or not HTTP, where no HTTP routing applies)
///   one route forwarding everything to the port's ready endpoints;
/// - per ready endpoint address and port of the mesh's EndpointSlices (by address, then
///   port), one virtual host `endpoint/<address>:<port>` for the pod-IP host forms, forwarding
///   straight to that one endpoint (GEP-1294: a request "sent to a Service backend (ex: `curl
///   pod-ip`)" does not use the Service's routes);
/// - clusters `<namespace>/<service>/<port>` (the ones used), then `endpoint/<address>:<port>`,
///   each with its endpoints inline, as `EnvoyTranslator` does with `.inline` delivery.
/// A Host no virtual host has gets Envoy's 404. Responses carry no `server` rewrite (that is
/// the gateway's `Kuma Gateway`).
public enum SidecarTranslator {
    /// The listener's (and its route configuration's) name for `input`.
    public static func listenerName(_ input: SidecarInput) -> String {
        "sidecar/\(input.namespace)/\(input.name)/outbound"
    }

    /// Translates one sidecar's input; `routeFormat` is the format of the route configuration
    /// file the listener names (by a path relative to the agent's config directory).
    public static func translate(_ input: SidecarInput, routeFormat: XDSFile.Format = .json) -> EnvoyResources {
        resources(input, routing: routing(input.shape), routeFormat: routeFormat)
    }

    /// `input`'s resources around its shape's routing: the listener and the route
    /// configuration's name are the sidecar's own.
    static func resources(_ input: SidecarInput, routing: SidecarRouting, routeFormat: XDSFile.Format) -> EnvoyResources {
        let name = listenerName(input)
        var configuration: [String: JSONValue] = ["@type": .string(EnvoyType.routeConfiguration), "name": .string(name)]
        if !routing.virtualHosts.isEmpty { configuration["virtual_hosts"] = .array(routing.virtualHosts) }
        var resources = EnvoyResources()
        resources.routeConfigurations = [.object(configuration)]
        resources.listeners = [listener(input, needsCORS: routing.needsCORS, routeFormat: routeFormat)]
        resources.clusters = routing.clusters
        return resources
    }

    /// The sidecar's outbound listener.
    static func listener(_ input: SidecarInput, needsCORS: Bool, routeFormat: XDSFile.Format) -> JSONValue {
        SidecarListener.outbound(name: listenerName(input), address: input.outboundAddress, port: input.outboundPort,
                                 routeFormat: routeFormat, httpFilters: needsCORS ? [CorsPolicy.httpFilter] : [])
    }

    /// The virtual hosts and clusters of a shape (`SidecarInput.shape`: what they depend on).
    /// With a `memo` kept across calls (one per mesh: its shapes share the Services and
    /// EndpointSlices), each route's entries, their order per Service port and their Envoy
    /// routes are reused while the route is unchanged: one changed route re-renders one route
    /// for every shape. The result is the same with or without it.
    static func routing(_ shape: SidecarInput, memo: EnvoyTranslationMemo? = nil) -> SidecarRouting {
        memo?.startTranslation(services: shape.services, endpointSlices: shape.endpointSlices)
        defer { memo?.finishTranslation() }
        var catalog = BackendCatalog(services: shape.services, endpointSlices: shape.endpointSlices)
        let destinations = routedDestinations(shape.routes)
        var virtualHosts: [JSONValue] = []
        var needsCORS = false
        for service in shape.services {
            guard let serviceName = service.metadata?.name else { continue }
            let serviceNamespace = service.metadata?.namespace ?? "default"
            let ports = Set((service.spec?.ports ?? []).filter { ($0.protocol ?? "TCP").uppercased() == "TCP" }.compactMap(\.port))
            for port in ports.sorted() {
                let target = MeshServicePort(namespace: serviceNamespace, service: serviceName, port: port)
                var routes: [JSONValue]
                if let routed = destinations[target], !routed.isEmpty {
                    let entries = orderedEntries(routed, of: shape.routes, port: port, memo: memo, orderKey: "sidecar/\(target)")
                    needsCORS = needsCORS || RouteEntryBuilder.usesCORS(entries)
                    routes = entries.map { memo?.route($0, catalog: &catalog) ?? RouteEntryBuilder.route($0, catalog: &catalog) }
                } else {
                    let reference = KumaBackendRef(kind: "MeshService", name: serviceName, namespace: serviceNamespace, port: Int64(port))
                    guard let cluster = catalog.cluster(for: reference, defaultNamespace: serviceNamespace) else { continue }
                    routes = [forwardingRoute(name: "\(target)/forward", cluster: cluster.name)]
                }
                let domains = SidecarHostnames.serviceDomains(service: serviceName, namespace: serviceNamespace, port: port,
                                                              clientNamespace: shape.namespace)
                virtualHosts.append(["name": .string(target.description), "domains": .array(domains.map(JSONValue.string)),
                                     "routes": .array(routes)])
            }
        }
        let endpoints = SidecarHostnames.endpointClusters(shape.endpointSlices)
        for cluster in endpoints {
            guard let endpoint = cluster.endpoints.first else { continue }
            let domains = SidecarHostnames.endpointDomains(address: endpoint.address, port: endpoint.port)
            virtualHosts.append(["name": .string(cluster.name), "domains": .array(domains.map(JSONValue.string)),
                                 "routes": [forwardingRoute(name: "\(cluster.name)/forward", cluster: cluster.name)]])
        }
        let serviceClusters = catalog.usedClusters.values.sorted { $0.name < $1.name }
        let clusters = (serviceClusters + endpoints).map { ResourceBuilders.cluster($0, endpoints: .inline) }
        return SidecarRouting(virtualHosts: virtualHosts, clusters: clusters, needsCORS: needsCORS)
    }

    /// Where each Service port's routes are: (route position, `to` position) pairs, in input order.
    static func routedDestinations(_ routes: [MeshHTTPRoute]) -> [MeshServicePort: [(route: Int, to: Int)]] {
        var destinations: [MeshServicePort: [(route: Int, to: Int)]] = [:]
        for position in routes.indices {
            for (toPosition, destination) in (routes[position].spec?.to ?? []).enumerated() {
                guard destination.targetRef.kind == "MeshService",
                      let port = destination.targetRef.name.flatMap(MeshServicePort.init(kumaName:)) else { continue }
                destinations[port, default: []].append((position, toPosition))
            }
        }
        return destinations
    }

    /// The route entries of one Service port in match order (`VirtualHostPlan.precedes`: the
    /// Gateway API precedence, then the entry name), each name once. A route's entries are
    /// named as on a gateway (`httproute/<namespace>/<name>/rule/<i>/match/<j>`), the same on
    /// every port; only a second `to` entry of one route for the same port adds `/to/<k>`.
    ///
    /// With a `memo`, the order `orderKey` got last time is adjusted instead of sorting anew
    /// (`EnvoyTranslationMemo.ordered`).
    static func orderedEntries(_ routed: [(route: Int, to: Int)], of routes: [MeshHTTPRoute], port: Int,
                               memo: EnvoyTranslationMemo? = nil, orderKey: String = "") -> [RouteEntry] {
        let origin = ListenerOrigin(scheme: "http", port: port)
        var entries: [RouteEntry] = []
        var perRoute: [Int: Int] = [:]
        for (route, to) in routed {
            guard let destination = routes[route].spec?.to?[to] else { continue }
            let index = perRoute[route, default: 0]
            perRoute[route] = index + 1
            entries += memo?.entries(of: routes[route], destination: destination, toIndex: index, origin: origin, slot: to)
                ?? EnvoyTranslator.entriesOf(routes[route], destination: destination, toIndex: index, origin: origin)
        }
        let sorted = memo?.ordered(entries, key: orderKey, by: VirtualHostPlan.precedes) { $0.sorted(by: VirtualHostPlan.precedes) }
            ?? entries.sorted(by: VirtualHostPlan.precedes)
        var seen = Set<String>()
        return sorted.filter { seen.insert($0.name).inserted }
    }

    /// A route that forwards every request (no route filters) to `cluster`.
    static func forwardingRoute(name: String, cluster: String) -> JSONValue {
        ["name": .string(name), "match": ["prefix": "/"], "route": ["cluster": .string(cluster)]]
    }
}
