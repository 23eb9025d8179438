import GatewayModel

/// TLSRoute and TCPRoute ("stream" routes: whole connections, no requests).
///
/// They are evaluated with the parent, attachment and backend rules of HTTPRoute (through
/// `HTTPRoute.init(streamEquivalentOf:...)`: sectionName/port, `allowedRoutes` kinds and
/// namespaces, hostname intersection with the listener for TLSRoute, ReferenceGrants `from`
/// their own kind, `BackendNotFound`/`RefNotPermitted` in `ResolvedRefs` while the route stays
/// `Accepted`). A TLSRoute attaches to `TLS` listeners (mode Passthrough or Terminate), a
/// TCPRoute to `TCP` listeners; Service parents (GAMMA) are not served for them and get no
/// status entry.
///
/// Each accepted attachment to a served listener becomes one MeshTCPRoute, Kuma's shape:
/// name `<route>.<namespace>.<gateway>.<gateway namespace>.<listener>` in the system namespace,
/// `targetRef` `{kind: MeshGateway, name, sectionName: <listener>}`, one `to` entry
/// `{targetRef: {kind: Mesh}, hostnames, rules: [{default: {backendRefs}}]}` where `hostnames`
/// (a Gatehouse extension, nil for TCPRoute) are the SNI names the route serves there and
/// `backendRefs` are every rule's backends in spec order (Kuma allows one rule); unresolved
/// backends keep their weight under the reserved unresolved name, so their share of
/// connections is refused.
enum StreamRoutes {
    /// The route kind name of TLSRoutes.
    static let tlsKind = "TLSRoute"
    /// The route kind name of TCPRoutes.
    static let tcpKind = "TCPRoute"

    /// True for the kinds this type handles.
    static func isStream(_ kind: String) -> Bool { kind == tlsKind || kind == tcpKind }

    /// The MeshTCPRoute for one stream route on one listener of one Gateway.
    static func meshTCPRoute(_ route: HTTPRoute, rules: [MeshHTTPRoute.Rule], gateway: GatewayEvaluation,
                             listener: Listener, hostnames: [String]?, options: TranslationOptions) -> MeshTCPRoute {
        let routeNamespace = route.metadata?.namespace ?? ""
        let routeName = route.metadata?.name ?? ""
        let name = MeshResources.boundedName("\(routeName).\(routeNamespace).\(gateway.name).\(gateway.namespace).\(listener.name)")
        var metadata = ObjectMeta(name: name, namespace: options.systemNamespace, labels: gateway.generatedLabels)
        metadata.annotations = [
            GeneratedLabels.source: route.generatedSource,
            GeneratedLabels.sourceCreated: route.metadata?.creationTimestamp ?? "",
        ]
        var target = KumaTargetRef(kind: "MeshGateway", name: gateway.meshGatewayName)
        target.sectionName = listener.name
        let backends = rules.flatMap { $0.default.backendRefs ?? [] }
        let destination = MeshTCPRoute.To(
            hostnames: route.routeKindName == tlsKind ? hostnames : nil, targetRef: KumaTargetRef(kind: "Mesh"),
            rules: [MeshTCPRoute.Rule(default: MeshTCPRoute.RuleConf(backendRefs: backends))])
        return MeshTCPRoute(metadata: metadata, spec: MeshTCPRoute.Spec(targetRef: target, to: [destination]))
    }

    /// Generated MeshTCPRoutes sorted by name; routes whose dotted names collide get a hash of
    /// their source and listener appended (as `MeshResources.disambiguateNames` does for
    /// MeshHTTPRoutes).
    static func sortedAndDisambiguated(_ routes: [MeshTCPRoute]) -> [MeshTCPRoute] {
        var sorted = routes.sorted { ($0.name ?? "") < ($1.name ?? "") }
        let names = sorted.map { $0.name ?? "" }
        var renamed = false
        for position in sorted.indices {
            let name = names[position]
            let collides = (position > 0 && names[position - 1] == name) || (position + 1 < names.count && names[position + 1] == name)
            guard collides else { continue }
            let identity = [sorted[position].metadata?.annotations?[GeneratedLabels.source] ?? "",
                            sorted[position].spec?.targetRef?.name ?? "", sorted[position].spec?.targetRef?.sectionName ?? ""]
                .joined(separator: "/")
            sorted[position].metadata?.name = MeshResources.suffixed(name, MeshResources.fnv1a(identity))
            renamed = true
        }
        if renamed { sorted.sort { ($0.name ?? "") < ($1.name ?? "") } }
        return sorted
    }
}
