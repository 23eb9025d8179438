import ManifestIO
import Testing

@testable import GatewayModel

/// GRPCRoute, TLSRoute and TCPRoute as the HTTPRoute values the translator evaluates, and the
/// admission checks of TLSRoute and TCPRoute.
@Suite("Route kinds: HTTP equivalents and TLSRoute/TCPRoute admission")
struct RouteKindEquivalentTests {
    /// (type, service, method) -> expected (path type, path value).
    static let methodCases: [(String?, String?, String?, String, String)] = [
        (nil, nil, nil, "PathPrefix", "/"),
        ("Exact", "pkg.Echo", "Echo", "Exact", "/pkg.Echo/Echo"),
        (nil, "pkg.Echo", nil, "PathPrefix", "/pkg.Echo"),
        ("Exact", nil, "EchoTwo", "RegularExpression", "/[^/]+/EchoTwo"),
        ("RegularExpression", "pkg\\..*", "Echo(Two)?", "RegularExpression", "/pkg\\..*/Echo(Two)?"),
        ("RegularExpression", "pkg\\..*", nil, "RegularExpression", "/pkg\\..*/[^/]+"),
        ("RegularExpression", nil, "Echo.*", "RegularExpression", "/[^/]+/Echo.*"),
    ]

    @Test("gRPC service/method matches become path matches", arguments: methodCases.indices)
    func methodToPath(_ position: Int) {
        let (type, service, method, pathType, pathValue) = Self.methodCases[position]
        let match: GRPCMethodMatch? = service == nil && method == nil && type == nil
            ? nil : GRPCMethodMatch(type: type, service: service, method: method)
        let path = HTTPRouteMatch.grpcPath(match)
        #expect(path.type == pathType)
        #expect(path.value == pathValue)
    }

    @Test("a GRPCRoute keeps parents, hostnames, headers, filters, weights and rule names; its kind says GRPCRoute")
    func grpcEquivalent() throws {
        let route = try yaml("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: echo, namespace: apps}
            spec:
              parentRefs: [{name: gw, sectionName: grpc}]
              hostnames: [grpc.example.com]
              rules:
              - name: first
                matches:
                - method: {service: pkg.Echo, method: Echo}
                  headers: [{name: version, value: two}]
                filters:
                - type: RequestHeaderModifier
                  requestHeaderModifier: {set: [{name: x-a, value: b}]}
                backendRefs:
                - {name: v1, port: 8080, weight: 70}
                - name: v2
                  port: 8080
                  weight: 30
                  filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {add: [{name: x-b, value: c}]}}]
            """).decode(GRPCRoute.self)
        let equivalent = HTTPRoute(grpcEquivalentOf: route)
        #expect(equivalent.kind == "GRPCRoute")
        #expect(equivalent.metadata == route.metadata)
        #expect(equivalent.spec.parentRefs == route.spec?.parentRefs)
        #expect(equivalent.spec.hostnames == ["grpc.example.com"])
        let rule = try #require(equivalent.spec.rules?.first)
        #expect(rule.name == "first")
        #expect(rule.matches?.first?.path == HTTPPathMatch(type: "Exact", value: "/pkg.Echo/Echo"))
        #expect(rule.matches?.first?.headers == [HTTPHeaderMatch(type: "Exact", name: "version", value: "two")])
        #expect(rule.filters?.first?.type == "RequestHeaderModifier")
        #expect(rule.filters?.first?.requestHeaderModifier?.set?.first?.name == "x-a")
        #expect(rule.backendRefs?.map(\.weight) == [70, 30])
        #expect(rule.backendRefs?.last?.filters?.first?.responseHeaderModifier?.add?.first?.value == "c")
    }

    @Test("a TLSRoute keeps parents, hostnames and every rule's backends")
    func tlsEquivalent() throws {
        let route = try yaml("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: TLSRoute
            metadata: {name: sni, namespace: apps}
            spec:
              parentRefs: [{name: gw}]
              hostnames: [abc.example.com]
              rules:
              - backendRefs: [{name: tls-backend, port: 8443, weight: 3}]
            """).decode(TLSRoute.self)
        #expect(route.validate(old: nil).isEmpty)
        let equivalent = HTTPRoute(streamEquivalentOf: route.spec, kind: "TLSRoute", apiVersion: route.apiVersion,
                                   metadata: route.metadata, status: route.status)
        #expect(equivalent.kind == "TLSRoute")
        #expect(equivalent.spec.hostnames == ["abc.example.com"])
        #expect(equivalent.spec.rules?.first?.matches == nil)
        #expect(equivalent.spec.rules?.first?.backendRefs?.first?.name == "tls-backend")
        #expect(equivalent.spec.rules?.first?.backendRefs?.first?.weight == 3)
    }

    @Test("admission: a TLSRoute needs rules with backends; a TCPRoute has no hostnames; weights are bounded")
    func streamRouteAdmission() throws {
        let noRules = try yaml("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: TLSRoute
            metadata: {name: r, namespace: apps}
            spec: {parentRefs: [{name: gw}], hostnames: [a.example.com]}
            """).decode(TLSRoute.self)
        #expect(noRules.validate(old: nil).map(\.field) == ["spec.rules"])

        let emptyBackends = try yaml("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: TLSRoute
            metadata: {name: r, namespace: apps}
            spec: {parentRefs: [{name: gw}], rules: [{backendRefs: []}]}
            """).decode(TLSRoute.self)
        #expect(emptyBackends.validate(old: nil).map(\.field) == ["spec.rules[0].backendRefs"])

        let tcpWithHostnames = try yaml("""
            apiVersion: gateway.networking.k8s.io/v1alpha2
            kind: TCPRoute
            metadata: {name: r, namespace: apps}
            spec:
              parentRefs: [{name: gw}]
              hostnames: [a.example.com]
              rules: [{backendRefs: [{name: db, port: 5432, weight: 2000000}]}]
            """).decode(TCPRoute.self)
        #expect(Set(tcpWithHostnames.validate(old: nil).map(\.field)) == ["spec.hostnames", "spec.rules[0].backendRefs[0].weight"])

        let servicePortMissing = try yaml("""
            apiVersion: gateway.networking.k8s.io/v1alpha2
            kind: TCPRoute
            metadata: {name: r, namespace: apps}
            spec: {rules: [{backendRefs: [{name: db}]}]}
            """).decode(TCPRoute.self)
        #expect(servicePortMissing.validate(old: nil).contains { $0.message.hasSuffix("Must have port for Service reference") })
    }

    @Test("the kind table serves TLSRoute (v1 and the alphas) and TCPRoute (v1, v1alpha2)")
    func kindTable() {
        #expect(ResourceKinds.all.contains(ResourceKinds.tlsRoute))
        #expect(ResourceKinds.tlsRoute.versions == ["v1", "v1alpha3", "v1alpha2"])
        #expect(ResourceKinds.tcpRoute.versions == ["v1", "v1alpha2"])
        #expect(ResourceKinds.tcpRoute.plural == "tcproutes")
    }
}

/// The one object of a YAML manifest.
private func yaml(_ text: String) throws -> JSONValue {
    try #require(try Manifests.decode(text).first)
}

