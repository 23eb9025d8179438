extension HTTPRoute {
    /// The HTTPRoute a GRPCRoute means on the wire, so that one attachment, status and
    /// conversion path serves both kinds (Kuma's model has no gRPC route: a GRPCRoute becomes
    /// a MeshHTTPRoute). gRPC is HTTP/2 `POST /<service>/<method>`, so:
    ///
    /// | GRPCRoute `matches[].method`            | HTTPRoute path match                         |
    /// |-----------------------------------------|----------------------------------------------|
    /// | none                                    | `PathPrefix /`                               |
    /// | `Exact`, service and method             | `Exact /<service>/<method>`                  |
    /// | `Exact`, service only                   | `PathPrefix /<service>` (segment-aware)      |
    /// | `Exact`, method only                    | `RegularExpression /[^/]+/<method>`          |
    /// | `RegularExpression`, service and method | `RegularExpression /<service>/<method>`      |
    /// | `RegularExpression`, one of them        | the other one is `[^/]+`                     |
    ///
    /// Header matches (`Exact`, `RegularExpression`) keep their type, name and value; filters
    /// and backendRefs (with their filters and weights) are the same values in both kinds;
    /// rule names are kept. Metadata and status are the GRPCRoute's.
    public init(grpcEquivalentOf route: GRPCRoute) {
        self.init(
            apiVersion: route.apiVersion, kind: "GRPCRoute", metadata: route.metadata,
            spec: HTTPRouteSpec(parentRefs: route.spec?.parentRefs, useDefaultGateways: route.spec?.useDefaultGateways,
                                hostnames: route.spec?.hostnames,
                                rules: route.spec?.rules.map { $0.map(HTTPRouteRule.init(grpcEquivalentOf:)) }),
            status: route.status)
    }
}

extension HTTPRouteRule {
    /// One GRPCRoute rule as an HTTPRoute rule (see `HTTPRoute.init(grpcEquivalentOf:)`).
    public init(grpcEquivalentOf rule: GRPCRouteRule) {
        self.init(
            name: rule.name,
            matches: rule.matches.map { $0.map(HTTPRouteMatch.init(grpcEquivalentOf:)) },
            filters: rule.filters.map { $0.map(HTTPRouteFilter.init(grpcEquivalentOf:)) },
            backendRefs: rule.backendRefs.map { references in
                references.map { reference in
                    HTTPBackendRef(group: reference.group, kind: reference.kind, name: reference.name, namespace: reference.namespace,
                                   port: reference.port, weight: reference.weight,
                                   filters: reference.filters.map { $0.map(HTTPRouteFilter.init(grpcEquivalentOf:)) })
                }
            },
            timeouts: nil, retry: nil, sessionPersistence: rule.sessionPersistence)
    }
}

extension HTTPRouteMatch {
    /// One GRPCRoute match as an HTTPRoute match (see `HTTPRoute.init(grpcEquivalentOf:)`).
    public init(grpcEquivalentOf match: GRPCRouteMatch) {
        self.init(path: Self.grpcPath(match.method),
                  headers: match.headers.map { headers in
                      headers.map { HTTPHeaderMatch(type: $0.type ?? "Exact", name: $0.name, value: $0.value) }
                  },
                  queryParams: nil, method: nil)
    }

    /// The path match of a gRPC service/method match (the table of `HTTPRoute.init(grpcEquivalentOf:)`).
    static func grpcPath(_ method: GRPCMethodMatch?) -> HTTPPathMatch {
        let service = method?.service.flatMap { $0.isEmpty ? nil : $0 }
        let name = method?.method.flatMap { $0.isEmpty ? nil : $0 }
        let anySegment = "[^/]+"
        switch (method?.type ?? "Exact", service, name) {
        case (_, nil, nil):
            return HTTPPathMatch(type: "PathPrefix", value: "/")
        case ("RegularExpression", _, _):
            return HTTPPathMatch(type: "RegularExpression", value: "/\(service ?? anySegment)/\(name ?? anySegment)")
        case (_, let service?, let name?):
            return HTTPPathMatch(type: "Exact", value: "/\(service)/\(name)")
        case (_, let service?, nil):
            return HTTPPathMatch(type: "PathPrefix", value: "/\(service)")
        case (_, nil, let name?):
            return HTTPPathMatch(type: "RegularExpression", value: "/\(anySegment)/\(name)")
        }
    }
}

extension HTTPRouteFilter {
    /// A GRPCRoute filter as an HTTPRoute filter: the same type and value.
    public init(grpcEquivalentOf filter: GRPCRouteFilter) {
        self.init(type: filter.type, requestHeaderModifier: filter.requestHeaderModifier,
                  responseHeaderModifier: filter.responseHeaderModifier, requestMirror: filter.requestMirror,
                  requestRedirect: nil, urlRewrite: nil, cors: nil, externalAuth: nil, extensionRef: filter.extensionRef)
    }
}
