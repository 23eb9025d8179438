import GatewayModel

/// Stage 1 of the pipeline (DESIGN.md section 2): Gateway API objects -> status report, mesh
/// resources (the IR) and infra IR. Pure: no I/O, no clock, no logging. User mistakes become
/// conditions; one bad object never blocks the others.
public enum GatewayTranslator {
    /// Translates one snapshot. With a `memo` kept across calls, routes whose evaluation
    /// cannot have changed are not evaluated again (the result is the same either way).
    public static func translate(_ snapshot: ResourceSnapshot, options: TranslationOptions,
                                 memo: TranslationMemo? = nil) -> Translation {
        let index = SnapshotIndex(snapshot)
        var translation = Translation()
        var statuses: [StatusUpdate] = []

        let classes = GatewayClasses.evaluate(snapshot, index: index, options: options)
        for gatewayClass in snapshot.gatewayClasses {
            guard let name = gatewayClass.metadata?.name, let evaluation = classes[name] else { continue }
            statuses.append(StatusUpdate(key: ObjectKey(kind: ResourceKinds.gatewayClass, namespace: nil, name: name),
                                         status: GatewayClasses.status(evaluation)))
        }

        // Gateways of our classes, in snapshot (namespace/name) order.
        var gateways: [GatewayEvaluation] = []
        for gateway in snapshot.gateways {
            guard let gatewayClass = classes[gateway.spec.gatewayClassName], gateway.metadata?.name != nil else { continue }
            gateways.append(Gateways.evaluate(gateway, gatewayClass: gatewayClass, index: index, options: options))
        }
        // Addresses before routes and status: Programmed depends on them.
        Addresses.assign(&gateways, pool: options.addressPool, services: snapshot.services)
        var gatewayPositions: [String: Int] = [:]
        for (position, gateway) in gateways.enumerated() { gatewayPositions[gateway.key] = position }

        // Routes before Gateway status: attachedRoutes counts the accepted attachments.
        let remembered = memo?.begin(TranslationContext(snapshot, options: options)) ?? [:]
        // GRPCRoutes, TLSRoutes and TCPRoutes are evaluated through their HTTP equivalents, made once here.
        let grpcEquivalents = snapshot.grpcRoutes.map(HTTPRoute.init(grpcEquivalentOf:))
        let tlsEquivalents = snapshot.tlsRoutes.map {
            HTTPRoute(streamEquivalentOf: $0.spec, kind: StreamRoutes.tlsKind, apiVersion: $0.apiVersion, metadata: $0.metadata, status: $0.status)
        }
        let tcpEquivalents = snapshot.tcpRoutes.map {
            HTTPRoute(streamEquivalentOf: $0.spec, kind: StreamRoutes.tcpKind, apiVersion: $0.apiVersion, metadata: $0.metadata, status: $0.status)
        }
        // (key, route by kind and position in the snapshot, fresh evaluation or remembered entry):
        // positions, not route values, so that a pass over thousands of unchanged routes copies none of them.
        var routes: [(key: String, source: RouteSource, evaluation: RouteEvaluation?, entry: TranslationMemo.Entry?)] = []
        let sources = snapshot.httpRoutes.indices.map(RouteSource.http) + grpcEquivalents.indices.map(RouteSource.grpc)
            + tlsEquivalents.indices.map(RouteSource.tls) + tcpEquivalents.indices.map(RouteSource.tcp)
        routes.reserveCapacity(sources.count)
        func route(_ source: RouteSource) -> HTTPRoute {
            switch source {
            case .http(let position): snapshot.httpRoutes[position]
            case .grpc(let position): grpcEquivalents[position]
            case .tls(let position): tlsEquivalents[position]
            case .tcp(let position): tcpEquivalents[position]
            }
        }
        for source in sources {
            let metadata = route(source).metadata
            guard let name = metadata?.name else { continue }
            let key = source.key(namespace: metadata?.namespace ?? "", name: name)
            if let entry = remembered[key], TranslationMemo.isCurrent(entry, for: route(source)) {
                for attachment in entry.evaluation.attachments {
                    gateways[attachment.gatewayPosition].attachedRoutes[attachment.listenerPosition].insert(key)
                }
                routes.append((key, source, nil, entry))
                continue
            }
            let evaluation = HTTPRoutes.evaluate(route(source), gateways: gateways, gatewayPositions: gatewayPositions,
                                                 index: index, options: options)
            for attachment in evaluation.attachments {
                gateways[attachment.gatewayPosition].attachedRoutes[attachment.listenerPosition].insert(key)
            }
            routes.append((key, source, evaluation, nil))
        }

        // Certificate copies before MeshGateways: their listeners name the copies.
        let secretCopies = MeshSecrets.plan(gateways, options: options)
        translation.meshSecrets = secretCopies.secrets
        for gateway in gateways {
            let dataplane = snapshot.dataplanes[gateway.key]
            statuses.append(StatusUpdate(key: ObjectKey(kind: ResourceKinds.gateway, namespace: gateway.namespace, name: gateway.name),
                                         status: Gateways.status(gateway, dataplane: dataplane)))
            guard gateway.accepted.isTrue else { continue }
            translation.meshGateways.append(MeshResources.meshGateway(gateway, secretNames: secretCopies.names))
            if options.addressPool == nil || gateway.address != nil {
                translation.gatewayInstances.append(MeshResources.instance(gateway, index: index))
            }
        }

        // Stream routes competing for one listener's connections: their status says which
        // route gets them (`StreamConflicts`). That depends on other routes, so it marks the
        // emitted status only, never the memo's per-route output.
        let superseded = StreamConflicts.find(routes.compactMap { key, source, evaluation, remembered in
            guard source.isStream, let evaluated = evaluation ?? remembered?.evaluation, !evaluated.attachments.isEmpty else { return nil }
            return StreamConflicts.Candidate(key: key, created: evaluated.route.metadata?.creationTimestamp ?? "", evaluation: evaluated)
        }, gateways: gateways)

        var generated: [MeshHTTPRoute] = []
        var generatedTCP: [MeshTCPRoute] = []
        var entries: [String: TranslationMemo.Entry] = [:]
        if memo != nil { entries.reserveCapacity(routes.count) }
        for (key, source, evaluation, remembered) in routes {
            let entry: TranslationMemo.Entry
            if let remembered {
                entry = remembered
            } else if let evaluation {
                let output = routeOutput(evaluation, gateways: gateways, options: options, statusPool: memo?.statuses)
                // The parent entries made the status (now in `output`); only the stream-route
                // conflict check reads them again, so other routes' entries keep none.
                var kept = evaluation
                if !source.isStream { kept.parents = [] }
                entry = TranslationMemo.Entry(evaluation: kept, output: output)
            } else {
                continue
            }
            if let status = entry.output.status {
                statuses.append(superseded[key].map { StreamConflicts.marked(status, evaluation: entry.evaluation, messages: $0) } ?? status)
            }
            generated += entry.output.generated
            generatedTCP += entry.output.generatedTCP
            if memo != nil { entries[key] = entry }
        }
        memo?.finish(entries)

        translation.statuses = statuses.sorted { $0.key < $1.key }
        translation.meshGateways.sort { ($0.metadata?.name ?? "") < ($1.metadata?.name ?? "") }
        // Generated routes first (by name), then the user's own (by namespace/name). Sorted
        // names put collisions side by side; renamed routes are sorted again.
        generated = Self.sortedByName(generated)
        if MeshResources.disambiguateNames(&generated, sortedNames: generated.map { $0.name ?? "" }) {
            generated = Self.sortedByName(generated)
        }
        let authored = snapshot.meshHTTPRoutes.sorted {
            ($0.metadata?.namespace ?? "", $0.metadata?.name ?? "") < ($1.metadata?.namespace ?? "", $1.metadata?.name ?? "")
        }
        generated.append(contentsOf: authored)
        translation.meshHTTPRoutes = generated
        translation.meshTCPRoutes = StreamRoutes.sortedAndDisambiguated(generatedTCP)
            + snapshot.meshTCPRoutes.sorted { ($0.namespace ?? "", $0.name ?? "") < ($1.namespace ?? "", $1.name ?? "") }
        translation.gatewayInstances.sort { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        return translation
    }

    /// Mesh routes by name: positions are sorted against names read once, then the routes are
    /// placed once (comparing through the large route values copied them at every comparison).
    static func sortedByName(_ routes: [MeshHTTPRoute]) -> [MeshHTTPRoute] {
        let names = routes.map { $0.name ?? "" }
        // Usually already in order (the routes come in snapshot order): one pass tells.
        if names.indices.dropFirst().allSatisfy({ names[$0 - 1] <= names[$0] }) { return routes }
        let order = names.indices.sorted { names[$0] < names[$1] }
        return order.map { routes[$0] }
    }

    /// One route's status update (when it needs one) and its generated mesh routes. These
    /// depend only on the route's evaluation and the Gateways' evaluations, never on other routes.
    /// Equal statuses share one instance from `statusPool` (with a memo, which keeps them for
    /// as long as their routes are unchanged: thousands of routes on one Gateway have one status).
    static func routeOutput(_ route: RouteEvaluation, gateways: [GatewayEvaluation], options: TranslationOptions,
                            statusPool: ValueInterner? = nil) -> TranslationMemo.RouteOutput {
        var output = TranslationMemo.RouteOutput(status: nil, generated: [], generatedTCP: [])
        if route.needsStatus {
            let key = ObjectKey(kind: route.route.resourceKind, namespace: route.route.metadata?.namespace,
                                name: route.route.metadata?.name ?? "")
            let status = HTTPRoutes.status(route)
            output.status = StatusUpdate(key: key, status: statusPool?.intern(status) ?? status)
        }
        for attachment in route.attachments {
            let gateway = gateways[attachment.gatewayPosition]
            let listener = gateway.listeners[attachment.listenerPosition]
            // Attachment ignores listener validity (attachedRoutes must count it), but only
            // served listeners get configuration.
            guard listener.isServable else { continue }
            if StreamRoutes.isStream(route.route.routeKindName) {
                output.generatedTCP.append(StreamRoutes.meshTCPRoute(route.route, rules: route.rules.rules, gateway: gateway,
                                                                     listener: listener.listener, hostnames: attachment.hostnames,
                                                                     options: options))
                continue
            }
            output.generated.append(MeshResources.meshHTTPRoute(route.route, rules: route.rules.rules, gateway: gateway,
                                                                listener: listener.listener, hostnames: attachment.hostnames, options: options))
        }
        for attachment in route.serviceAttachments {
            output.generated.append(MeshServiceRoutes.meshHTTPRoute(route.route, rules: route.rules.rules, attachment: attachment,
                                                                    options: options))
        }
        return output
    }
}

/// Where a route of the translation comes from: its kind and position in the snapshot.
enum RouteSource {
    /// `snapshot.httpRoutes[position]`.
    case http(Int)
    /// `snapshot.grpcRoutes[position]` (evaluated through its HTTP equivalent).
    case grpc(Int)
    /// `snapshot.tlsRoutes[position]` (evaluated through its HTTP equivalent).
    case tls(Int)
    /// `snapshot.tcpRoutes[position]` (evaluated through its HTTP equivalent).
    case tcp(Int)

    /// True for TLSRoutes and TCPRoutes.
    var isStream: Bool {
        switch self {
        case .tls, .tcp: true
        case .http, .grpc: false
        }
    }

    /// The memo and `attachedRoutes` key: `<namespace>/<name>` for HTTPRoutes (as before
    /// GRPCRoutes were served), `<kind>/<namespace>/<name>` (lower-cased kind) for the others.
    func key(namespace: String, name: String) -> String {
        switch self {
        case .http: objectPath(namespace, name)
        case .grpc: GRPCRoutes.key(namespace: namespace, name: name)
        case .tls: "tlsroute/" + objectPath(namespace, name)
        case .tcp: "tcproute/" + objectPath(namespace, name)
        }
    }
}
