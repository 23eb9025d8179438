import GatewayModel

/// What the Envoy stage needs for one gateway proxy (made by `ProxyInputs.gateways`).
/// Equatable, so that a proxy whose input did not change is not translated again.
public struct ProxyInput: Sendable, Equatable {
    /// The instance (address, listeners).
    public var instance: GatewayInstance
    /// Its MeshGateway.
    public var meshGateway: MeshGateway?
    /// The MeshHTTPRoutes targeting that MeshGateway.
    public var routes: [MeshHTTPRoute]
    /// Services and EndpointSlices the routes may refer to.
    public var services: [Service]
    public var endpointSlices: [EndpointSlice]
    /// Mesh secrets the HTTPS listeners' certificates name (those of other meshes are ignored).
    public var secrets: [MeshSecret]
    /// The MeshTCPRoutes targeting that MeshGateway (TLS and TCP listeners).
    public var tcpRoutes: [MeshTCPRoute]

    /// Creates an input.
    public init(instance: GatewayInstance, meshGateway: MeshGateway?, routes: [MeshHTTPRoute],
                services: [Service], endpointSlices: [EndpointSlice], secrets: [MeshSecret] = [], tcpRoutes: [MeshTCPRoute] = []) {
        self.instance = instance
        self.meshGateway = meshGateway
        self.routes = routes
        self.services = services
        self.endpointSlices = endpointSlices
        self.secrets = secrets
        self.tcpRoutes = tcpRoutes
    }
}

/// How a proxy gets the endpoints of its clusters.
public enum EndpointDelivery: Sendable, Hashable {
    /// `STATIC` clusters with the endpoints inline in CDS (the default). An endpoint change
    /// rewrites the CDS file; Envoy rebuilds only the clusters whose configuration changed.
    ///
    /// Why not EDS files: every filesystem subscription (`path_config_source`, with or without
    /// `watched_directory`) opens its own inotify instance in Envoy 1.40, and the kernel allows
    /// `fs.inotify.max_user_instances` (128 here) per user, shared by every Envoy of that user.
    /// Past it Envoy aborts (`assert failure: inotify_fd_ >= 0`), measured with 200 EDS
    /// clusters in one Envoy. Inline endpoints keep each Envoy at 2 + one per listener port.
    case inline
    /// `EDS` clusters, each reading one ClusterLoadAssignment file (`XDSFiles.path(.endpoints, ...)`):
    /// only for proxies with few clusters, or hosts with a raised inotify limit.
    case edsFiles
}

/// Stage 2 of the pipeline: mesh resources for one proxy -> Envoy v3 resources. Pure.
///
/// What it emits, all sorted so that equal inputs give byte-equal output:
/// - per distinct port of the instance's `HTTP` listeners, one Envoy listener named
///   `<namespace>/<gateway>/<port>` on the instance address (`0.0.0.0` without one) and one
///   route configuration of the same name, delivered over RDS from its own file. Listeners are
///   sorted by port. `HTTPS` ports are served with TLS termination (see `TLSListeners`);
///   `TLS` and `TCP` ports forward connections from MeshTCPRoutes (see `StreamListeners`);
/// - per domain on that port, one virtual host `<listener name>/<domain>`, sorted by domain
///   (see `VirtualHostPlan`); its routes in Gateway API precedence order. Requests for no
///   domain get Envoy's 404;
/// - one cluster per Service port the routes use (and per mirror target), named
///   `<namespace>/<service>/<port>`, sorted by name, with its ready endpoints inline
///   (see `EndpointDelivery` for why not EDS files by default).
public enum EnvoyTranslator {
    /// The MeshGateway listener tag carrying the Gateway listener name.
    public static let listenerTag = "gatehouse.io/listener"

    /// Translates one proxy's inputs. File references (RDS, SDS, EDS) are paths relative to
    /// the proxy's config directory (see `XDSFiles`), which is the agent's business, so one
    /// translation serves every replica; `endpoints` says how endpoints are delivered;
    /// `routeFormat` is the format of the route configuration files the listeners name.
    /// A `memo` kept across calls for one proxy saves rebuilding unchanged routes' entries.
    public static func translate(_ input: ProxyInput, endpoints: EndpointDelivery = .inline,
                                 routeFormat: XDSFile.Format = .json, memo: EnvoyTranslationMemo? = nil) -> EnvoyResources {
        memo?.startTranslation(services: input.services, endpointSlices: input.endpointSlices)
        defer { memo?.finishTranslation() }
        var catalog = BackendCatalog(services: input.services, endpointSlices: input.endpointSlices)
        let instance = input.instance
        let servedListeners = instance.listeners.filter { $0.protocol == "HTTP" }
        let ports = Set(servedListeners.map(\.port)).sorted()
        // Usually every input route targets this gateway: then the list is used as is, not copied.
        let targets = { (route: MeshHTTPRoute) in targetsGateway(route, instance: instance, meshGateway: input.meshGateway) }
        let routes = input.routes.allSatisfy(targets) ? input.routes : input.routes.filter(targets)
        var resources = EnvoyResources()
        for port in ports {
            let name = "\(instance.namespace)/\(instance.name)/\(port)"
            let listenersOnPort = servedListeners.filter { $0.port == port }.sorted { $0.name < $1.name }
            let plan = VirtualHostPlan(listeners: listenersOnPort, routes: routes, meshGateway: input.meshGateway, memo: memo)
            var virtualHosts: [JSONValue] = []
            // The CORS filter only where a route uses it (no stray filters: each costs per request).
            let httpFilters = plan.virtualHosts.contains { RouteEntryBuilder.usesCORS($0.entries) } ? [CorsPolicy.httpFilter] : []
            for (domain, entries) in plan.virtualHosts {
                var virtualHost: [String: JSONValue] = ["name": .string("\(name)/\(domain)"), "domains": [.string(domain)]]
                if !entries.isEmpty {
                    virtualHost["routes"] = .array(entries.map { entry in
                        memo?.route(entry, catalog: &catalog) ?? RouteEntryBuilder.route(entry, catalog: &catalog)
                    })
                }
                virtualHosts.append(.object(virtualHost))
            }
            resources.routeConfigurations.append(ResourceBuilders.routeConfiguration(name: name, virtualHosts: virtualHosts))
            resources.listeners.append(ResourceBuilders.httpListener(
                name: name, address: instance.address ?? "0.0.0.0", port: port, routeConfigurationName: name,
                routeFormat: routeFormat, httpFilters: httpFilters))
        }
        // Before the HTTPS listeners: `TLSListeners.add` orders every listener by port.
        StreamListeners.add(input, catalog: &catalog, to: &resources)
        TLSListeners.add(input, routes: routes, routeFormat: routeFormat,
                         catalog: &catalog, to: &resources)
        if instance.listeners.contains(where: { $0.protocol == "TLS" }) {
            // A certificate shared by an HTTPS and a TLS Terminate listener is one secret.
            var seen = Set<String>()
            resources.secrets = resources.secrets.filter { seen.insert($0.name).inserted }
                .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        }
        let clusters = catalog.usedClusters.values.sorted { $0.name < $1.name }
        resources.clusters = clusters.map {
            ResourceBuilders.cluster($0, endpoints: endpoints)
        }
        if endpoints == .edsFiles {
            resources.clusterLoadAssignments = clusters.map(ResourceBuilders.clusterLoadAssignment)
        }
        return resources
    }

    /// True for a route whose `targetRef` is this instance's MeshGateway.
    static func targetsGateway(_ route: MeshHTTPRoute, instance: GatewayInstance, meshGateway: MeshGateway?) -> Bool {
        guard let target = route.spec?.targetRef, target.kind == "MeshGateway", let name = target.name else { return false }
        return name == instance.meshGatewayName || name == meshGateway?.metadata?.name
    }

    /// True when `route` attaches to `listener`: its `sectionName` names it, or its `tags` are
    /// all on the matching MeshGateway listener, or it names neither (all listeners).
    static func attaches(_ route: MeshHTTPRoute, to listener: InstanceListener, meshGateway: MeshGateway?) -> Bool {
        guard let target = route.spec?.targetRef else { return false }
        if let section = target.sectionName, section != listener.name { return false }
        if let tags = target.tags, !tags.isEmpty {
            let meshListener = meshGateway?.spec?.conf?.listeners?.first { $0.tags?[listenerTag] == listener.name }
            var listenerTags = meshGateway?.spec?.tags ?? [:]
            listenerTags.merge(meshListener?.tags ?? [:]) { _, specific in specific }
            return tags.allSatisfy { listenerTags[$0.key] == $0.value }
        }
        return true
    }

    /// One entry per match of every rule of one destination of a route. A rule without
    /// matches gets the Gateway API default match, `PathPrefix /`.
    static func entriesOf(_ route: MeshHTTPRoute, destination: MeshHTTPRoute.To, toIndex: Int,
                          origin: ListenerOrigin) -> [RouteEntry] {
        let annotations = route.metadata?.annotations ?? [:]
        let namespace = route.metadata?.namespace ?? "default"
        let source = annotations[GeneratedLabels.source] ?? "meshhttproute/\(namespace)/\(route.metadata?.name ?? "")"
        let created = annotations[GeneratedLabels.sourceCreated] ?? route.metadata?.creationTimestamp
        let prefix = toIndex == 0 ? source : "\(source)/to/\(toIndex)"
        // Generated routes live in the system namespace: references default to the namespace
        // of the route they came from (`httproute/<namespace>/<name>`, `grpcroute/...`).
        let sourceParts = source.split(separator: "/")
        let referenceNamespace = sourceParts.count == 3 ? String(sourceParts[1]) : namespace
        // A GRPCRoute's mesh route (`grpcroute/<namespace>/<name>`): its backends speak HTTP/2.
        let speaksGRPC = sourceParts.count == 3 && sourceParts[0] == "grpcroute"
        var entries: [RouteEntry] = []
        let rules = destination.rules ?? []
        let labels = RouteEntryBuilder.ruleLabels(rules)
        for (ruleIndex, rule) in rules.enumerated() {
            let matches: [MeshHTTPRoute.Match?] = rule.matches.isEmpty ? [nil] : rule.matches
            // A match Envoy could not compile would make it refuse the whole route configuration.
            for (matchIndex, match) in matches.enumerated() where RouteMatchBuilder.compiles(match) {
                entries.append(RouteEntry(
                    name: "\(prefix)/rule/\(labels[ruleIndex])/match/\(matchIndex)",
                    match: match,
                    rule: rule,
                    precedence: RoutePrecedence(match: match, created: created, source: source,
                                                ruleIndex: ruleIndex, matchIndex: matchIndex),
                    defaultNamespace: referenceNamespace,
                    origin: origin,
                    backendsNeedHTTP2: speaksGRPC))
            }
        }
        return entries
    }
}
